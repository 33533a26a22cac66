// A live story's page asks every few seconds for what changed after the newest change it
// shows. A correction replaces its entry where it stands; new entries wait behind a button
// ("3 new updates — show") so that the page never moves under the reader. Responses are kept
// by the server's page cache and revalidated with ETags: a crowd costs it one request a change.
(function () {
  "use strict";
  var section = document.querySelector(".live[data-updates]");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.getAttribute("data-updates");
  var after = section.getAttribute("data-after") || "";
  var every = Math.max(1, Number(section.getAttribute("data-interval")) || 10) * 1000;
  var list = section.querySelector(".live-entries");
  var button = section.querySelector(".live-show");
  var waiting = [];
  var timer = null;

  function element(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    return holder.content.firstElementChild;
  }

  // Told once in the page, so that other scripts (embeds.js) take up what the entry brings.
  function placed(node) {
    node.dispatchEvent(new Event("newsroom:inserted", { bubbles: true }));
  }

  function offer() {
    if (!waiting.length) {
      button.hidden = true;
      return;
    }
    var count = waiting.length;
    button.textContent = count + (count === 1 ? " new update" : " new updates") + " — show";
    button.hidden = false;
  }

  function show() {
    var empty = list.querySelector(".live-empty");
    if (empty) {
      empty.remove();
    }
    // Oldest first, each above the last: the newest ends on top.
    waiting.forEach(function (entry) {
      placed(list.insertBefore(element(entry.html), list.firstChild));
    });
    var first = document.getElementById(waiting[waiting.length - 1].id);
    waiting = [];
    offer();
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  }

  function take(data) {
    after = data.after || after;
    data.entries.forEach(function (entry) {
      var shown = document.getElementById(entry.id);
      if (shown) {
        var replacement = element(entry.html);
        shown.replaceWith(replacement);
        placed(replacement);
      } else if (entry["new"]) {
        waiting = waiting.filter(function (other) { return other.id !== entry.id; });
        waiting.push(entry);
      }
    });
    offer();
    return data.live;
  }

  function poll() {
    // "no-cache": the browser asks every time, with the ETag it has; the answer is often a 304.
    fetch(url + "?after=" + encodeURIComponent(after), {
      cache: "no-cache",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (response.status === 404 || response.status === 410) {
          return { after: after, live: false, entries: [] };
        }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        var live = data ? take(data) : true;
        if (live) {
          timer = window.setTimeout(poll, every);
        } else {
          section.classList.remove("live-running");
        }
      })
      .catch(function () {
        timer = window.setTimeout(poll, every);
      });
  }

  button.addEventListener("click", show);
  timer = window.setTimeout(poll, every);
})();
