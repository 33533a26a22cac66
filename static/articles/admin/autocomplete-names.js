// The admin's autocomplete fields (select2) name their combobox by the chosen value alone, so
// an empty one has no name at all (axe: aria-input-field-name). Each is named here by its
// field's label followed by its value ("Section Politics"), as a <select> would be: the
// <label for> of a stacked field, or the aria-label the server gives a table row's field
// (articles.admin.article.StoryPartInline), whose column heading is not its label.
(function () {
  "use strict";
  if (!window.django || !window.django.jQuery) return;
  const $ = window.django.jQuery;

  function labelId(select) {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    if (label) {
      if (!label.id) label.id = `${select.id}-label`;
      return label.id;
    }
    const name = select.getAttribute("aria-label");
    if (!name) return null;
    const id = `${select.id}-name`;
    if (!document.getElementById(id)) {
      const hidden = document.createElement("span");
      hidden.id = id;
      hidden.hidden = true;
      hidden.textContent = name;
      // At the end of the field's cell: select2's box stays right after its <select>.
      select.parentElement.append(hidden);
    }
    return id;
  }

  function nameComboboxes(root) {
    for (const select of root.querySelectorAll("select.admin-autocomplete")) {
      const container = $(select).data("select2") && $(select).data("select2").$container;
      if (!container) continue;
      const combobox = container[0].querySelector(".select2-selection[role='combobox']");
      const value = container[0].querySelector(".select2-selection__rendered");
      const label = labelId(select);
      if (!combobox || !value || !label) continue;
      // The value is part of the combobox's name, not a read-only text box of its own.
      value.removeAttribute("role");
      value.removeAttribute("aria-readonly");
      combobox.setAttribute("aria-labelledby", `${label} ${value.id}`);
    }
  }

  // After autocomplete.js, which starts select2 on ready and on each added inline row.
  $(() => nameComboboxes(document));
  document.addEventListener("formset:added", (event) => nameComboboxes(event.target));
})();
