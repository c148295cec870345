// Quick exit: leave at once, and replace this page in the history so that Back does not return here.
(function () {
  function leave(url) {
    document.body.style.visibility = "hidden";
    window.location.replace(url);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-quick-exit]");
    if (link) {
      event.preventDefault();
      leave(link.href);
    }
  });
  // Changing the language replaces this page in the history instead of adding an entry, so that one
  // quick exit leaves no copy of the help page behind the Back button. Without JavaScript the form
  // still works as a plain POST.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-replace-history]");
    if (!form || !window.fetch) return;
    event.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (response.ok) window.location.replace(response.url);
        else form.submit();
      })
      .catch(function () {
        form.submit();
      });
  });
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 800) {
      var link = document.querySelector("[data-quick-exit]");
      if (link) leave(link.href);
    }
    lastEscape = now;
  });
})();
