// The story screen (templates/admin/articles/article/change_form.html): counts under the
// headline, standfirst and body; the publish checklist and the preview redrawn from the form as
// it is typed (StoryScreenMixin); Ctrl/Cmd+S for "Save and continue editing". The server asks
// the saved story again at every workflow step: nothing here decides.
(function () {
  "use strict";
  const screen = document.getElementById("story-screen");
  const form = document.getElementById("article_form");
  if (!screen || !form) return;
  const WORDS_PER_MINUTE = 230;
  const WAIT = 500; // ms after the last key before the server is asked

  function debounce(run, wait) {
    let timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(run, wait);
    };
  }

  function plural(n, one, many) {
    return `${n.toLocaleString()} ${n === 1 ? one : many}`;
  }

  // Counts: a line under the field, which the field names as its description.
  function addCount(field, describe) {
    if (!field) return;
    const count = document.createElement("p");
    count.className = "story-count";
    count.id = `${field.id}-count`;
    const anchor = field.closest(".prose-editor") || field;
    anchor.insertAdjacentElement("afterend", count);
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? `${described} ${count.id}` : count.id);
    const update = () => { count.textContent = describe(field); };
    update();
    return update;
  }

  // The body's typing area. The toolbar's heading picker carries the ProseMirror class too.
  const bodyArea = () => form.querySelector(".prose-editor .ProseMirror[contenteditable]");

  const headline = document.getElementById("id_headline");
  const standfirst = document.getElementById("id_standfirst");
  const body = document.getElementById("id_body");
  const max = headline && headline.maxLength > 0 ? headline.maxLength : null;
  const counts = [
    addCount(headline, (f) => plural(f.value.length, "character", "characters") + (max ? ` of ${max}` : "")),
    addCount(standfirst, (f) => plural(f.value.length, "character", "characters")),
    addCount(body, function () {
      const editor = bodyArea();
      const text = editor ? editor.innerText : body.value.replace(/<[^>]*>/g, " ");
      const words = (text.match(/\S+/g) || []).length;
      const minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE));
      return `${plural(words, "word", "words")} · about ${plural(minutes, "minute", "minutes")} to read`;
    }),
  ].filter(Boolean);

  function formData() {
    const data = new FormData(form);
    // The body's textarea follows the editor on its own schedule: take the editor's latest.
    const editor = bodyArea();
    if (editor && body) data.set("body", editor.innerHTML === "<p><br></p>" ? "" : body.value);
    return data;
  }

  // The checklist, as the server sees the form now.
  const checklist = document.getElementById("live-checklist");
  const refreshChecklist = debounce(function () {
    if (!checklist) return;
    fetch(screen.dataset.checklistUrl, { method: "POST", body: formData(), credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then(function (answer) {
        const list = checklist.querySelector(".checklist-problems");
        list.replaceChildren(...answer.problems.map(function (problem) {
          const item = document.createElement("li");
          item.textContent = `✗ ${problem.charAt(0).toUpperCase()}${problem.slice(1)}`;
          return item;
        }));
        list.hidden = answer.problems.length === 0;
        checklist.querySelector(".checklist-ok").hidden = answer.problems.length !== 0;
      })
      .catch(function () { /* the saved checklist stays; publishing asks again anyway */ });
  }, WAIT);

  // The preview: the form posted into the frame beside it, never saved.
  const preview = document.getElementById("story-preview");
  const frame = document.getElementById("story-preview-frame");
  const toggle = form.querySelector(".preview-toggle");
  let scroll = 0;
  function refreshPreviewNow() {
    if (!preview || preview.hidden) return;
    try { scroll = frame.contentWindow.scrollY; } catch (error) { scroll = 0; }
    const post = document.createElement("form");
    post.method = "post";
    post.action = screen.dataset.previewUrl;
    post.target = frame.name;
    post.hidden = true;
    for (const [name, value] of formData()) {
      if (typeof value !== "string") continue; // files are not previewed
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      post.append(input);
    }
    document.body.append(post);
    post.submit();
    post.remove();
  }
  const refreshPreview = debounce(refreshPreviewNow, WAIT);
  if (frame) {
    frame.addEventListener("load", function () {
      try { frame.contentWindow.scrollTo(0, scroll); } catch (error) { /* nothing to keep */ }
    });
  }
  function showPreview(open) {
    preview.hidden = !open;
    screen.classList.toggle("previewing", open);
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Hide preview" : "Preview";
    if (open) {
      refreshPreviewNow();
      preview.querySelector(".preview-close").focus();
    } else {
      toggle.focus();
    }
  }
  if (toggle && preview) {
    toggle.addEventListener("click", () => showPreview(preview.hidden));
    preview.querySelector(".preview-close").addEventListener("click", () => showPreview(false));
    preview.addEventListener("keydown", function (event) {
      if (event.key === "Escape") showPreview(false);
    });
    for (const button of preview.querySelectorAll(".preview-width")) {
      button.addEventListener("click", function () {
        preview.dataset.width = button.dataset.width;
        for (const other of preview.querySelectorAll(".preview-width")) {
          other.setAttribute("aria-pressed", String(other === button));
        }
      });
    }
  }

  // Approving and publishing act on the saved story: with changes not saved yet, save first.
  // ("Submit for review" posts the story form: it saves what is typed, then submits.)
  const unsaved = document.getElementById("story-bar-unsaved");
  function markUnsaved() {
    if (!unsaved) return;
    unsaved.hidden = false;
    for (const button of form.querySelectorAll(".story-bar-workflow button[form]")) {
      button.disabled = true;
      button.setAttribute("aria-describedby", unsaved.id);
    }
  }

  function changed(event) {
    // The bar's own buttons and the preview's are not the story.
    if (event && event.target.closest && event.target.closest(".story-bar")) return;
    counts.forEach((update) => update());
    markUnsaved();
    refreshChecklist();
    refreshPreview();
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // The rich-text editor types into a contenteditable; select2 widgets say "change" via jQuery.
  // Its first drawing is not a change: only mutations after a key, a paste or a drop are.
  let touched = false;
  for (const type of ["keydown", "paste", "drop", "mousedown"]) {
    form.addEventListener(type, () => { touched = true; }, true);
  }
  // The typing area is named like the body's field (it comes with no name of its own), again
  // whenever the editor redraws its attributes.
  function nameBodyArea() {
    const area = bodyArea();
    if (area && area.getAttribute("aria-label") !== "Body") area.setAttribute("aria-label", "Body");
  }
  nameBodyArea();
  new MutationObserver(nameBodyArea).observe(form, {
    subtree: true, attributes: true, attributeFilter: ["aria-label", "contenteditable"],
  });
  new MutationObserver(function (records) {
    nameBodyArea();
    const area = bodyArea();
    if (!area || !records.some((record) => area.contains(record.target))) return;
    if (touched) changed();
    else counts.forEach((update) => update());
  }).observe(form, { childList: true, subtree: true, characterData: true });
  if (window.django && window.django.jQuery) {
    window.django.jQuery(form).on("select2:select select2:unselect", () => changed());
  }

  // Ctrl+S / Cmd+S: "Save and continue editing", as the button would.
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
      event.preventDefault();
      const keep = form.querySelector('input[name="_continue"]');
      if (keep) form.requestSubmit(keep);
    }
  });

  // A new story has no saved checklist: ask for its first one.
  if (checklist && !screen.dataset.checklistUrl.match(/\/\d+\/checklist\/$/)) refreshChecklist();
})();
