// Keeps a working copy of the story form on the server every few seconds when something
// changed, and once more as the page is left, so a crash, an expired session or a closed tab
// loses nothing; offers a kept copy back (the banner from _autosave.html). While the server
// cannot be reached, the copy waits in this browser's localStorage instead.
(function () {
  "use strict";
  const marker = document.getElementById("working-copy");
  if (!marker) return;
  const form = marker.closest("form");
  const offer = form.querySelector(".working-copy-offer");
  const notice = form.querySelector(".working-copy-notice");
  const storageKey = marker.dataset.storageKey;
  const every = Number(marker.dataset.keepSeconds) * 1000;
  const TEXT = ["headline", "slug", "standfirst", "dateline", "copyright_notice", "copyright_holder",
    "copyright_year", "tags", "label", "sponsor"];
  const CHOICES = ["section", "lead_photo"];

  let offered = null;   // the copy the banner offers, until restored or discarded
  let lastKept = null;  // the values the server (or this browser) has
  let submitting = false;

  function field(name) {
    const found = form.elements.namedItem(name);
    return found instanceof Element ? found : null;
  }

  function bylineRows() {
    const total = field("byline_set-TOTAL_FORMS");
    return total ? Number(total.value) : 0;
  }

  function values() {
    const taken = {};
    for (const name of [...TEXT, "body", ...CHOICES]) {
      const input = field(name);
      if (input) taken[name] = input.value;
    }
    const top = field("is_top_story");
    if (top && top.type === "checkbox") taken.is_top_story = top.checked;
    if (field("byline_set-TOTAL_FORMS")) {
      taken.bylines = [];
      for (let i = 0; i < bylineRows(); i++) {
        const author = field(`byline_set-${i}-author`);
        const position = field(`byline_set-${i}-position`);
        const remove = field(`byline_set-${i}-DELETE`);
        taken.bylines.push({
          author: author ? author.value : "",
          position: position ? position.value : "",
          delete: Boolean(remove && remove.checked),
        });
      }
    }
    return taken;
  }

  // Signing in again (in another tab) gives this browser a new CSRF cookie, and the token
  // the page was served with stops working: the cookie's own value always does.
  function token() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : marker.dataset.csrf;
  }

  function payload(taken) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token());
    data.append("values", JSON.stringify(taken));
    const version = field("loaded_version");
    if (version) data.append("loaded_version", version.value);
    return data;
  }

  function tell(text) {
    notice.textContent = text;
    notice.hidden = !text;
  }

  function keepLocally(taken) {
    try {
      const version = field("loaded_version");
      const copy = { ...taken, loaded_version: version ? Number(version.value) : null };
      localStorage.setItem(storageKey, JSON.stringify({ values: copy, taken_at: Date.now() }));
    } catch (error) { /* storage full or refused: the server copy is all there is */ }
  }

  function forgetLocally() {
    try { localStorage.removeItem(storageKey); } catch (error) { /* nothing kept */ }
  }

  async function keep() {
    if (offered || submitting) return;
    const taken = values();
    const text = JSON.stringify(taken);
    if (text === lastKept) return;
    let answer = null;
    try {
      // Not followed: an expired session answers with a redirect to the login page.
      const response = await fetch(marker.dataset.keepUrl, {
        method: "POST", body: payload(taken), credentials: "same-origin", redirect: "manual",
      });
      if (response.ok) {
        lastKept = text;
        forgetLocally();
        tell("");
        return;
      }
      if ((response.headers.get("Content-Type") || "").includes("json")) {
        answer = (await response.json()).error;
      }
    } catch (error) { /* offline: kept locally below, tried again next time */ }
    // Kept in this browser meanwhile; lastKept unchanged, so the next tick tries again.
    keepLocally(taken);
    tell(answer || "Not saved to the server: sign in again in another tab. " +
      "Your changes are kept in this browser meanwhile.");
  }

  // The body's editor (django-prose-editor) announces itself with "prose-editor:ready"; one
  // made before this script ran is found where Tiptap leaves it, on its ProseMirror element.
  let bodyEditor = null;
  form.addEventListener("prose-editor:ready", function (event) {
    if (event.detail.textarea === field("body")) bodyEditor = event.detail.editor;
  });

  function setBody(html) {
    const textarea = field("body");
    if (!textarea) return;
    const wrapper = textarea.closest(".prose-editor");
    const views = wrapper ? Array.from(wrapper.querySelectorAll(".ProseMirror")) : [];
    const editor = bodyEditor || views.map((view) => view.editor).find(Boolean);
    // What the editor shows is what it writes back into the textarea: set both.
    if (editor) editor.commands.setContent(html);
    textarea.value = html;
  }

  function choose(select, id, label) {
    if (!select) return;
    const value = id === null || id === undefined ? "" : String(id);
    if (value && !Array.from(select.options).some((option) => option.value === value)) {
      select.append(new Option(label || value, value, false, false));
    }
    select.value = value;
    // Autocomplete boxes (select2) redraw on jQuery's change event, not the DOM's.
    if (window.django && window.django.jQuery) window.django.jQuery(select).trigger("change");
    else select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function addBylineRow() {
    const add = document.querySelector("#byline_set-group .add-row a");
    if (add) add.click();
    return Boolean(add);
  }

  function restore(copy) {
    const labels = copy.labels || {};
    for (const name of TEXT) {
      const input = field(name);
      if (input && name in copy) {
        input.value = copy[name];
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
    if ("body" in copy) setBody(copy.body);
    for (const name of CHOICES) {
      if (name in copy) choose(field(name), copy[name], (labels[name] || {})[copy[name]]);
    }
    const top = field("is_top_story");
    if (top && top.type === "checkbox" && "is_top_story" in copy) top.checked = copy.is_top_story;
    (copy.bylines || []).forEach(function (row, i) {
      if (i >= bylineRows() && !addBylineRow()) return;
      choose(field(`byline_set-${i}-author`), row.author, (labels.author || {})[row.author]);
      const position = field(`byline_set-${i}-position`);
      if (position) position.value = row.position;
      const remove = field(`byline_set-${i}-DELETE`);
      if (remove) remove.checked = row.delete;
    });
    // Typed into an older version: saving it meets the same refusal any stale save does.
    const version = field("loaded_version");
    if (version && copy.loaded_version) version.value = copy.loaded_version;
  }

  function close() {
    offered = null;
    offer.hidden = true;
  }

  offer.querySelector(".working-copy-restore").addEventListener("click", function () {
    restore(offered);
    close();
    keep();
  });

  offer.querySelector(".working-copy-discard").addEventListener("click", function () {
    forgetLocally();
    fetch(marker.dataset.discardUrl, {
      method: "POST", body: payload({}), credentials: "same-origin", redirect: "manual",
    });
    close();
  });

  function localCopy() {
    let found = null;
    try { found = JSON.parse(localStorage.getItem(storageKey)); } catch (error) { return null; }
    // Older than the story's last save: that save has it, or has replaced it.
    const savedAt = Number(marker.dataset.savedAt || 0) * 1000;
    if (!found || !found.values || found.taken_at <= savedAt) return null;
    // Kept before the standfirst's field was renamed (articles migration 0020): it was "dek".
    if ("dek" in found.values && !("standfirst" in found.values)) {
      found.values.standfirst = found.values.dek;
    }
    return found;
  }

  if (marker.dataset.offered) {
    offered = JSON.parse(document.getElementById("working-copy-values").textContent);
  } else {
    const local = localCopy();
    if (local) {
      offered = local.values;
      const at = new Date(local.taken_at);
      offer.querySelector(".working-copy-when").textContent =
        at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) +
        " (" + Intl.DateTimeFormat().resolvedOptions().timeZone + ")";
      offer.querySelector(".working-copy-where").hidden = false;
      offer.hidden = false;
    }
  }

  // What the page opened with is not worth keeping: only what is typed into it.
  lastKept = JSON.stringify(values());

  // Saving ends the page's copies (the server deletes its own); a workflow button's form
  // leaves the page without saving, so the last change still goes on the way out.
  form.addEventListener("submit", function () {
    submitting = true;
    // After signing in again elsewhere, the save itself needs the new token too.
    const hidden = field("csrfmiddlewaretoken");
    if (hidden) hidden.value = token();
  });
  setInterval(keep, every);

  window.addEventListener("pagehide", function () {
    if (offered || submitting) return;
    const taken = values();
    const text = JSON.stringify(taken);
    if (text === lastKept) return;
    // A beacon outlives the page, up to about 64 KB; this browser keeps what it cannot carry.
    if (!navigator.sendBeacon(marker.dataset.keepUrl, payload(taken))) keepLocally(taken);
  });
})();
