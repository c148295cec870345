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
