// Keeps this story's edit lock alive while its change page is open, and gives it up when the
// page is left without saving, so no one sees "… is editing" for a story nobody has open.
(function () {
  "use strict";
  const marker = document.getElementById("edit-lock-keeper");
  if (!marker) return;
  const url = marker.dataset.url;
  const token = marker.dataset.csrf;
  const every = Number(marker.dataset.refreshSeconds) * 1000;
  let submitting = false;

  function body(extra) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    for (const [name, value] of Object.entries(extra)) data.append(name, value);
    return data;
  }

  // A save or workflow button leaves the page too: the server settles the lock for those.
  document.addEventListener("submit", function () { submitting = true; }, true);

  setInterval(function () {
    if (document.visibilityState === "visible") {
      fetch(url, { method: "POST", body: body({}), credentials: "same-origin" });
    }
  }, every);

  window.addEventListener("pagehide", function () {
    if (!submitting) navigator.sendBeacon(url, body({ release: "1" }));
  });
})();
