/* caseapp: the little behaviour the pages need, without inline script (the Content-Security-Policy forbids it).
   data-autosubmit: a select submits its form when changed.
   data-confirm: a form asks before it is submitted.
   data-select-all: a checkbox ticks every checkbox named by its value ("ids").
   data-reasons: a status select whose chosen status offers only its own reasons in the form's "reason" select.
   data-action-select: the workflow action chosen; only the fields of that action ([data-for-actions]) are shown.
   data-person-picker: a search box listing persons (POSTed to the URL given, never in a URL) to choose one.
   data-print: a button that prints the page.
   data-chart: a chart drawn by ECharts from the JSON in the attribute (see charts.js). */
(function () {
  "use strict";
  function showActionFields(select) {
    var scope = select.form || document;
    scope.querySelectorAll("[data-for-actions]").forEach(function (group) {
      var wanted = group.dataset.forActions.split(" ");
      group.hidden = wanted.indexOf(select.value) < 0;
    });
  }
  function showReasons(select) {
    var reasons = JSON.parse(select.dataset.reasons || "{}")[select.value] || [];
    var box = select.form && select.form.querySelector("select[name=reason]");
    if (!box) { return; }
    box.querySelectorAll("option").forEach(function (option) {
      var offered = !option.value || reasons.indexOf(option.value) >= 0;
      option.hidden = option.disabled = !offered;
      if (!offered && option.selected) { box.value = ""; }
    });
    if (reasons.length === 1) { box.value = reasons[0]; }
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("select[data-reasons]")) {
      showReasons(target);
    }
    if (target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
    if (target.matches("input[type=checkbox][data-select-all]")) {
      var boxes = document.querySelectorAll("input[type=checkbox][name='" + target.dataset.selectAll + "']");
      boxes.forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches("select[data-action-select]")) {
      showActionFields(target);
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  /* one menu group open at a time; a click elsewhere closes it */
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (opened.matches && opened.matches("details.navgroup") && opened.open) {
      document.querySelectorAll("details.navgroup[open]").forEach(function (other) {
        if (other !== opened) { other.open = false; }
      });
    }
  }, true);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
    if (!event.target.closest || !event.target.closest("details.navgroup")) {
      document.querySelectorAll("details.navgroup[open]").forEach(function (group) { group.open = false; });
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-action-select]").forEach(showActionFields);
    document.querySelectorAll("select[data-reasons]").forEach(showReasons);
    document.querySelectorAll("[data-person-picker]").forEach(setUpPicker);
  });

  /* ------------------------------------------------------------------ person picker */
  var FULL_NUMBER = /^\s*\d{15,17}[\dXx]?\s*$/;
  function setUpPicker(box) {
    var input = box.querySelector("input[type=text], input:not([type])");
    var hidden = box.querySelector("input[data-picker-id]");
    var list = box.querySelector(".picker-results");
    var chosen = box.querySelector("[data-picker-chosen]");
    var token = document.querySelector("input[name=csrf_token]");
    var timer = null;
    if (!input || !hidden || !list) { return; }
    input.addEventListener("input", function () {
      hidden.value = "";
      window.clearTimeout(timer);
      var text = input.value.trim();
      if (!text || FULL_NUMBER.test(text)) { list.hidden = true; return; }  /* a full number is checked on submit */
      timer = window.setTimeout(function () { search(text); }, 250);
    });
    function search(text) {
      var body = new URLSearchParams();
      body.append("q", text);
      fetch(box.dataset.personPicker, {method: "POST", body: body, credentials: "same-origin",
        headers: {"X-CSRFToken": token ? token.value : "", "Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(show).catch(function () { list.hidden = true; });
    }
    function show(people) {
      list.textContent = "";
      if (!people.length) {
        var none = document.createElement("li");
        none.className = "none";
        none.textContent = "没有找到，请换个写法或输入完整身份证号";
        list.appendChild(none);
      }
      people.forEach(function (person) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = person.name + "（" + person.id_masked + "，" + person.org + "）";
        button.addEventListener("click", function () {
          hidden.value = person.id;
          input.value = person.name + "（" + person.id_masked + "）";
          if (chosen) { chosen.textContent = "已选：" + button.textContent; }
          list.hidden = true;
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      list.hidden = false;
    }
  }
}());
