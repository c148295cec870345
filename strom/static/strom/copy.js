// Copy buttons: <button data-copy-from="ID" data-copied="…" data-copy-failed="…" hidden> copies the text
// of the element ID and says so in the status region beside it (role="status", aria-live). The button
// is hidden in the markup and shown here, so that without JavaScript (or without the clipboard API)
// nobody meets a button that does nothing: the address stays plain text to select.
(function () {
  if (!navigator.clipboard || !window.isSecureContext) return;
  document.querySelectorAll("button[data-copy-from]").forEach(function (button) {
    button.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy-from]");
    if (!button) return;
    var source = document.getElementById(button.dataset.copyFrom);
    var status = button.parentElement.querySelector(".copy-status");
    if (!source || !status) return;
    function say(text) {
      // Emptied first, so that a second copy is announced again.
      status.textContent = "";
      window.setTimeout(function () {
        status.textContent = text;
      }, 50);
    }
    navigator.clipboard.writeText(source.textContent.trim()).then(
      function () {
        say(button.dataset.copied);
      },
      function () {
        say(button.dataset.copyFailed);
      }
    );
  });
})();
