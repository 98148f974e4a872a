"""Every blueprint, in registration order."""
from caseapp.audit.views import bp as audit_bp
from caseapp.auth.views import bp as auth_bp
from caseapp.budgets.views import bp as budgets_bp
from caseapp.orgs.views import bp as orgs_bp

BLUEPRINTS = [auth_bp, orgs_bp, audit_bp, budgets_bp]
