// The photo desk on the story form (templates/admin/articles/article/_photo_desk.html).
// A picture dropped onto the story is sent to be checked and read, and nothing is kept: the
// writer confirms or corrects its credit and writes its alt text, and only then is it sent
// again to be added to the library and set as the lead photo (or added to the gallery).
// Or a photo is chosen from the library. The story itself is saved by the story's own form.
(function () {
  "use strict";
  const desk = document.getElementById("photo-desk");
  if (!desk) return;
  const jQuery = window.django && window.django.jQuery;
  const token = desk.dataset.csrf;
  const announce = desk.querySelector("[data-announce]");
  let opener = null;

  // Beside the lead photo field, where a writer looks for it.
  const leadRow = document.querySelector(".field-lead_photo");
  if (leadRow) leadRow.after(desk);
  desk.hidden = false;

  function galleryAddLink() {
    return document.querySelector("#photos-group .add-row a");
  }

  function leadSelect() {
    return document.getElementById("id_lead_photo");
  }

  function choose(select, photo) {
    const value = String(photo.id);
    let option = Array.from(select.options).find((o) => o.value === value);
    if (!option) {
      option = new Option(photo.label, value, false, false);
      select.append(option);
    }
    select.value = value;
    // select2 (the admin's autocomplete) redraws on jQuery's change event.
    if (jQuery) jQuery(select).trigger("change");
    else select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function place(photo, use) {
    if (use === "gallery" && galleryAddLink()) {
      galleryAddLink().click();
      const rows = document.querySelectorAll("#photos-group .dynamic-photos");
      const select = rows[rows.length - 1].querySelector('select[name$="-photo"]');
      choose(select, photo);
      announce.textContent = `“${photo.label}” is added to the gallery. Save the story to keep it.`;
    } else {
      choose(leadSelect(), photo);
      announce.textContent = `“${photo.label}” is now the lead photo. Save the story to keep it.`;
    }
  }

  function send(url, data) {
    data.append("csrfmiddlewaretoken", token);
    return request(url, { method: "POST", body: data });
  }

  function request(url, options) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      ...options,
    }).then(
      (response) =>
        response
          .json()
          .catch(() => null)
          .then((body) => ({ status: response.status, body: body || {} })),
      () => ({ status: 0, body: {} }),
    );
  }

  function trouble(status) {
    if (status === 0) return "The picture could not be sent. Check your connection and try again.";
    if (status === 403) return "You may not add photos to the library. Ask an editor.";
    if (status === 413) return "The file is too large to send.";
    return "Something went wrong on the server. Try again, or ask the desk.";
  }

  function openDialog(dialog) {
    opener = document.activeElement;
    dialog.showModal();
  }

  function onClosed(dialog, reset) {
    // Escape closes a modal dialog by itself; either way, focus goes back where it was.
    dialog.addEventListener("close", function () {
      reset();
      if (opener && document.contains(opener)) opener.focus();
      opener = null;
    });
    dialog.querySelector("[data-cancel]").addEventListener("click", () => dialog.close());
  }

  function thumbnail(img, url) {
    img.hidden = !url;
    if (url) img.src = url;
    else img.removeAttribute("src");
  }

  // Dropping or choosing a file, and confirming what it says.

  const confirm = document.getElementById("photo-desk-confirm");
  if (confirm) {
    const form = confirm.querySelector("[data-confirm-form]");
    const status = confirm.querySelector("[data-status]");
    const errors = confirm.querySelector("[data-errors]");
    const fields = confirm.querySelector("[data-fields]");
    const previewBox = confirm.querySelector("[data-preview-box]");
    const duplicate = confirm.querySelector("[data-duplicate]");
    const confirmButton = confirm.querySelector("[data-confirm]");
    const useChoice = confirm.querySelector("[data-use]");
    const altText = form.elements.alt_text;
    const fileInput = desk.querySelector("[data-file-input]");
    const dropZone = desk.querySelector("[data-drop-zone]");
    let file = null;
    let existing = null;


    function reset() {
      file = existing = null;
      form.reset();
      status.textContent = errors.textContent = "";
      fields.hidden = previewBox.hidden = duplicate.hidden = true;
      confirmButton.disabled = true;
      confirmButton.hidden = useChoice.hidden = false;
      for (const input of fields.querySelectorAll("[aria-invalid]")) {
        input.removeAttribute("aria-invalid");
      }
    }
    onClosed(confirm, reset);

    function showErrors(messages) {
      errors.replaceChildren();
      const list = document.createElement("ul");
      for (const [name, texts] of Object.entries(messages)) {
        const input = form.elements[name];
        const label = input && input.labels && input.labels[0];
        if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
        for (const text of texts) {
          const item = document.createElement("li");
          item.textContent = label ? `${label.textContent}: ${text}` : text;
          list.append(item);
        }
      }
      errors.append(list);
    }

    function showDuplicate(photo) {
      existing = photo;
      fields.hidden = true;
      confirmButton.hidden = true;
      duplicate.hidden = false;
      status.textContent = "";
      thumbnail(duplicate.querySelector("[data-duplicate-thumbnail]"), photo.thumbnail);
      duplicate.querySelector("[data-duplicate-label]").textContent = photo.label;
      duplicate.querySelector("[data-duplicate-note]").textContent = photo.rights_note;
      const use = duplicate.querySelector("[data-use-duplicate]");
      use.disabled = !photo.usable;
      use.focus();
    }

    function read(picked) {
      if (!picked) return;
      reset();
      file = picked;
      // The gallery's "add another" link is drawn by the admin's own script once the page has
      // loaded, and absent when the story cannot take more photos.
      confirm.querySelector("[data-gallery-choice]").hidden = !galleryAddLink();
      openDialog(confirm);
      status.textContent = `Reading “${picked.name}”…`;
      const data = new FormData();
      data.append("image", picked);
      send(desk.dataset.inspectUrl, data).then(({ status: code, body }) => {
        if (file !== picked) return; // closed, or another picture since
        status.textContent = "";
        if (code === 200 && body.duplicate) return showDuplicate(body.duplicate);
        if (code !== 200) {
          // Nothing to confirm: only the way out, and a word on why.
          confirmButton.hidden = useChoice.hidden = true;
          return showErrors(body.errors || { image: [trouble(code)] });
        }
        for (const [name, value] of Object.entries(body.fields)) form.elements[name].value = value;
        const preview = confirm.querySelector("[data-preview]");
        preview.src = body.preview;
        confirm.querySelector("[data-size]").textContent =
          `${body.width.toLocaleString()} × ${body.height.toLocaleString()} pixels`;
        confirm.querySelector("[data-from-file]").textContent = body.from_file.length
          ? "Filled in from the file: check each field before adding the photo."
          : "The file says nothing about itself: fill in its credit.";
        previewBox.hidden = fields.hidden = false;
        confirmButton.disabled = false;
        form.elements.credit.focus();
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!file || confirmButton.disabled) return;
      if (!altText.value.trim()) {
        showErrors({ alt_text: ["Describe the picture for people who cannot see it."] });
        altText.focus();
        return;
      }
      const data = new FormData(form);
      const use = data.get("use");
      data.delete("use");
      data.append("image", file);
      confirmButton.disabled = true;
      status.textContent = "Adding the photo to the library…";
      send(desk.dataset.addUrl, data).then(({ status: code, body }) => {
        status.textContent = "";
        if (code === 201) {
          place(body.photo, use);
          confirm.close();
          return;
        }
        confirmButton.disabled = false;
        if (code === 409 && body.duplicate) return showDuplicate(body.duplicate);
        showErrors(body.errors || { image: [trouble(code)] });
      });
    });

    duplicate.querySelector("[data-use-duplicate]").addEventListener("click", function () {
      if (!existing || !existing.usable) return;
      place(existing, new FormData(form).get("use"));
      confirm.close();
    });

    desk.querySelector("[data-choose-file]").addEventListener("click", () => fileInput.click());
    fileInput.addEventListener("change", function () {
      const picked = fileInput.files[0];
      fileInput.value = "";
      read(picked);
    });

    // A picture dropped anywhere on the page comes here: a browser would otherwise open the
    // file in place of the story, and the writer's unsaved work with it.
    function carriesFiles(event) {
      return event.dataTransfer && Array.from(event.dataTransfer.types).includes("Files");
    }
    document.addEventListener("dragover", function (event) {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      dropZone.classList.add("is-dragging");
    });
    document.addEventListener("dragleave", function (event) {
      if (!event.relatedTarget) dropZone.classList.remove("is-dragging");
    });
    document.addEventListener("drop", function (event) {
      dropZone.classList.remove("is-dragging");
      if (!carriesFiles(event) || event.defaultPrevented) return;
      event.preventDefault();
      if (!confirm.open) read(event.dataTransfer.files[0]);
    });
  }

  // Choosing from the library.

  const library = document.getElementById("photo-desk-library");
  if (library) {
    const search = library.querySelector("[data-search]");
    const results = library.querySelector("[data-results]");
    const status = library.querySelector("[data-status]");
    const previous = library.querySelector("[data-previous]");
    const next = library.querySelector("[data-next]");
    const pageLabel = library.querySelector("[data-page]");
    let page = 1;
    let asked = 0;

    onClosed(library, function () {
      results.replaceChildren();
    });

    function entry(photo) {
      const item = document.createElement("li");
      item.className = "photo-desk-result" + (photo.usable ? "" : " is-expired");
      const describedBy = `photo-desk-result-${photo.id}`;
      const img = document.createElement("img");
      img.alt = "";
      img.loading = "lazy";
      thumbnail(img, photo.thumbnail);
      const text = document.createElement("div");
      text.id = describedBy;
      const caption = document.createElement("p");
      caption.className = "photo-desk-caption";
      caption.textContent = photo.caption || photo.alt_text || "(no caption)";
      const credit = document.createElement("p");
      credit.textContent = [photo.credit_line || "No credit", `added ${photo.added}`].join(" · ");
      text.append(caption, credit);
      if (photo.rights_note) {
        const note = document.createElement("p");
        note.className = photo.usable ? "photo-desk-expiring" : "photo-desk-expired";
        note.textContent = photo.rights_note;
        text.append(note);
      }
      const buttons = document.createElement("div");
      buttons.className = "photo-desk-result-buttons";
      for (const [use, label] of [["lead", "Use as lead photo"], ["gallery", "Add to gallery"]]) {
        if (use === "gallery" && !galleryAddLink()) continue;
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button";
        button.textContent = label;
        button.setAttribute("aria-describedby", describedBy);
        // An expired licence: the photo would vanish from the story the moment it is shown.
        button.disabled = !photo.usable;
        button.addEventListener("click", function () {
          place(photo, use);
          library.close();
        });
        buttons.append(button);
      }
      item.append(img, text, buttons);
      return item;
    }

    function load(wanted) {
      const params = new URLSearchParams(new FormData(search));
      params.set("page", wanted);
      const ask = ++asked;
      status.textContent = "Searching…";
      request(`${desk.dataset.libraryUrl}?${params}`, {}).then(
        ({ status: code, body }) => {
          if (ask !== asked) return; // a newer search answered first
          if (code !== 200) {
            const messages = Object.values(body.errors || {}).flat();
            status.textContent = messages.length ? messages.join(" ") : trouble(code);
            return;
          }
          page = body.page;
          results.replaceChildren(...body.results.map(entry));
          status.textContent =
            body.count === 0
              ? "No photo matches."
              : `${body.count} ${body.count === 1 ? "photo" : "photos"}.`;
          pageLabel.textContent = body.pages > 1 ? `Page ${body.page} of ${body.pages}` : "";
          previous.disabled = body.page <= 1;
          next.disabled = body.page >= body.pages;
        },
      );
    }

    search.addEventListener("submit", function (event) {
      event.preventDefault();
      load(1);
    });
    previous.addEventListener("click", () => load(page - 1));
    next.addEventListener("click", () => load(page + 1));
    for (const button of desk.querySelectorAll("[data-open-library]")) {
      button.addEventListener("click", function () {
        openDialog(library);
        search.elements.q.focus();
        load(1);
      });
    }
  }
})();
