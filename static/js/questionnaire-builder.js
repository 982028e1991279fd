// Questionnaire builder: "Move up" and "Move down" reorder the questions in place, without
// reloading the page (the buttons keep working as plain forms when this script does not run).
(function () {
  "use strict";
  var list = document.querySelector(".consult-builder[data-reorder-url]");
  if (!list || !window.fetch) { return; }

  function items() { return Array.prototype.slice.call(list.children); }

  function refreshButtons() {
    var all = items();
    all.forEach(function (item, index) {
      item.querySelectorAll(".consult-move form").forEach(function (form) {
        var direction = form.querySelector("input[name=direction]");
        if (!direction) { return; }
        var hidden = (direction.value === "up" && index === 0) ||
                     (direction.value === "down" && index === all.length - 1);
        form.hidden = hidden;
      });
    });
  }

  function ensureBothButtons(item) {
    // The server drew no "up" on the first question and no "down" on the last: add them.
    var bar = item.querySelector(".consult-move");
    ["up", "down"].forEach(function (direction) {
      if (bar.querySelector("input[name=direction][value=" + direction + "]")) { return; }
      var template = list.querySelector("input[name=direction][value=" + direction + "]");
      if (!template) { return; }
      var form = template.form.cloneNode(true);
      form.action = form.action.replace(/questions\/\d+\/move/, "questions/" + item.dataset.questionId + "/move");
      if (direction === "up") { bar.insertBefore(form, bar.firstChild); }
      else { bar.insertBefore(form, bar.lastElementChild); }
    });
  }

  items().forEach(ensureBothButtons);
  refreshButtons();

  list.addEventListener("submit", function (event) {
    var form = event.target;
    var direction = form.querySelector("input[name=direction]");
    if (!direction) { return; }
    event.preventDefault();
    var item = form.closest("li");
    var sibling = direction.value === "up" ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling) { return; }
    if (direction.value === "up") { list.insertBefore(item, sibling); }
    else { list.insertBefore(sibling, item); }
    var order = items().map(function (li) { return li.dataset.questionId; }).join(",");
    var data = new FormData();
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    data.append("order", order);
    fetch(list.dataset.reorderUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { window.location.reload(); } })
      .catch(function () { window.location.reload(); });
    refreshButtons();
    var again = item.querySelector("input[name=direction][value=" + direction.value + "]");
    var button = again && !again.form.hidden ? again.form.querySelector("button")
                                             : item.querySelector(".consult-move form:not([hidden]) button");
    if (button) { button.focus(); }
  });
})();
