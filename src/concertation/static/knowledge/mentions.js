// The mention picker of discussions: a progressive enhancement. Without it, people type @[Name].
// It shows the picker the page holds (hidden), asks the server for the names of people who may see
// the object, and inserts « @[Name] » where the cursor is in the comment.
(function () {
  "use strict";
  if (window.concertationMentions) return;
  window.concertationMentions = true;

  function setUp(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("[data-mention-picker]:not([data-ready])").forEach(function (picker) {
      var input = picker.querySelector("input");
      var list = picker.querySelector("datalist");
      var button = picker.querySelector("[data-mention-insert]");
      var textarea = document.getElementById(picker.getAttribute("data-target"));
      if (!input || !list || !button || !textarea) return;
      picker.setAttribute("data-ready", "");
      picker.hidden = false;
      var timer = null;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        var query = input.value.trim();
        if (query.length < 2) return;
        timer = setTimeout(function () {
          fetch(picker.getAttribute("data-url") + "?q=" + encodeURIComponent(query),
                {credentials: "same-origin", headers: {"Accept": "application/json"}})
            .then(function (response) { return response.ok ? response.json() : {names: []}; })
            .then(function (data) {
              var options = (data.names || []).map(function (name) {
                var option = document.createElement("option");
                option.value = name;
                return option;
              });
              list.replaceChildren.apply(list, options);
            })
            .catch(function () {});
        }, 200);
      });
      button.addEventListener("click", function () {
        var name = input.value.replace(/[\[\]\n]/g, " ").trim();
        if (!name) { input.focus(); return; }
        var start = textarea.selectionStart, end = textarea.selectionEnd;
        textarea.setRangeText("@[" + name + "] ", start, end, "end");
        input.value = "";
        textarea.focus();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  } else {
    setUp(document);
  }
  document.addEventListener("htmx:load", function (event) { setUp(event.target); });
})();
