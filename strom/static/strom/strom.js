// Small progressive enhancements. Every page works without this file.
document.addEventListener("click", function (event) {
  var printButton = event.target.closest("[data-print]");
  if (printButton) {
    window.print();
  }
});

// A filter form in <details data-fold-on-phone open> folds away on a phone, so the results come first;
// without this script (or on a wide screen) it stays open.
(function () {
  if (!window.matchMedia("(max-width: 40rem)").matches) {
    return;
  }
  document.querySelectorAll("details[data-fold-on-phone]").forEach(function (details) {
    details.open = false;
  });
})();

// A table.table-stack is drawn as cards on a phone (display: block), and some browsers (Safari) then
// stop telling screen readers that it is a table. Explicit roles keep its rows, cells and headers.
function keepTableRoles() {
  document.querySelectorAll("table.table-stack:not([role])").forEach(function (table) {
    table.setAttribute("role", "table");
    table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot").forEach(function (group) {
      group.setAttribute("role", "rowgroup");
    });
    table.querySelectorAll(":scope > * > tr").forEach(function (row) {
      row.setAttribute("role", "row");
    });
    table.querySelectorAll(":scope > * > tr > th").forEach(function (header) {
      header.setAttribute("role", header.getAttribute("scope") === "row" ? "rowheader" : "columnheader");
    });
    table.querySelectorAll(":scope > * > tr > td").forEach(function (cell) {
      cell.setAttribute("role", "cell");
    });
  });
}
keepTableRoles();
document.addEventListener("htmx:load", keepTableRoles);

// The error summary (includes/form_errors.html) takes focus when a page shows it, so that a screen reader
// reads it first; a link in it moves focus to its field and scrolls the field's label into view. After an
// htmx swap, focus goes to the swapped part's summary or else its first field with an error.
(function () {
  function focusErrors(root, fieldToo) {
    var target = root.querySelector("[data-error-summary]") || (fieldToo && root.querySelector("[aria-invalid='true']"));
    if (target) {
      target.focus();
    }
  }
  focusErrors(document, false);
  document.addEventListener("htmx:load", function (event) {
    if (event.target !== document.body) {
      focusErrors(event.target, true);
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    var field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    var group = field.closest(".field--group");
    var caption = document.querySelector("label[for='" + CSS.escape(field.id) + "']") ||
      (group && group.querySelector("legend")) || field;
    caption.scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();

// A long list of checkboxes whose widget is `filterable` (field.html) gets a box that hides the choices
// whose names do not match what is typed, and says how many show. Without this script the box stays hidden
// and every choice shows.
(function () {
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function setUp(box) {
    var input = box.querySelector("input");
    var count = box.querySelector("[data-count]");
    var choices = Array.prototype.slice.call(box.closest("fieldset").querySelectorAll("input[data-filter-text]"));
    var texts = choices.map(function (choice) { return fold(choice.getAttribute("data-filter-text")); });
    var timer = null;
    function say(shown) {
      count.textContent = shown ?
        count.getAttribute("data-count").replace("{shown}", shown).replace("{total}", choices.length) :
        count.getAttribute("data-none");
    }
    function apply() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      choices.forEach(function (choice, index) {
        var match = words.every(function (word) { return texts[index].indexOf(word) !== -1; });
        choice.closest("label").hidden = !match;
        shown += match ? 1 : 0;
      });
      // The count is a live region: announce it once typing pauses, not at every key.
      clearTimeout(timer);
      timer = setTimeout(function () { say(shown); }, 400);
    }
    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // a filter, not a submit
      }
    });
    box.hidden = false;
    say(choices.length);
  }
  function setUpAll(root) {
    root.querySelectorAll("[data-choice-filter][hidden]").forEach(setUp);
  }
  setUpAll(document);
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();
