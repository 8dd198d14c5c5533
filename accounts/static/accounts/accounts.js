// Rejected panel writes (422/409) come back with the panel re-rendered around the error
// message: let htmx swap them in instead of dropping them.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if ((status === 409 || status === 422) && event.detail.target.closest("[data-accounts-panel]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
