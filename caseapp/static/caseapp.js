/* caseapp: the little behaviour the pages need, without inline script (the Content-Security-Policy forbids it).
   data-autosubmit: a select submits its form when changed.
   data-confirm: a form asks before it is submitted.
   data-select-all: a checkbox ticks every checkbox named by its value ("ids"). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
    if (target.matches("input[type=checkbox][data-select-all]")) {
      var boxes = document.querySelectorAll("input[type=checkbox][name='" + target.dataset.selectAll + "']");
      boxes.forEach(function (box) { box.checked = target.checked; });
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
}());
