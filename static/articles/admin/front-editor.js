// The front editor (templates/admin/articles/layout/arrange.html). The page is the state: the
// areas and their story cards in the order shown are the arrangement, written into the form's
// one field on Save and judged by the server (Layout.arrange). Everything a drag does, a
// button does too, for the keyboard and screen readers; each move is announced.
(function () {
  "use strict";
  const form = document.getElementById("arrangement-form");
  if (!form) return;
  const field = document.getElementById("arrangement");
  const announcer = form.querySelector(".front-editor-announce");
  const unsaved = form.querySelector(".front-editor-unsaved");
  const template = document.getElementById("story-template");
  let dragged = null;
  let saving = false;

  const areas = () => Array.from(form.querySelectorAll(".front-area"));
  const storiesOf = (area) => Array.from(area.querySelectorAll(".front-stories > .front-story"));
  const listOf = (area) => area.querySelector(".front-stories");
  const headline = (story) => story.querySelector(".front-story-headline").textContent;

  function arrangement() {
    return JSON.stringify(
      areas().map((area) => ({
        area: Number(area.dataset.area),
        stories: storiesOf(area).map((story) => Number(story.dataset.story)),
      })),
    );
  }
  // A save refused as stale shows the editor's arrangement, not yet saved.
  const loaded = "unsaved" in form.dataset ? "" : arrangement();

  function announce(text) {
    announcer.textContent = text;
  }

  function whereIs(story) {
    const area = story.closest(".front-area");
    const place = storiesOf(area).indexOf(story) + 1;
    return `place ${place} of ${area.dataset.title}`;
  }

  // What readers will miss, as the front draws it: a story shows once, in the first area
  // that has room for it, and an area shows no more than its places.
  function refresh() {
    const shown = new Map();
    for (const area of areas()) {
      const places = Number(area.dataset.places);
      const stories = storiesOf(area);
      area.querySelector(".front-empty").hidden = stories.length > 0;
      let taken = 0;
      for (const story of stories) {
        let why = "";
        if (shown.has(story.dataset.story)) {
          why = `Shown higher up, in ${shown.get(story.dataset.story)}.`;
        } else if (taken >= places) {
          why = `Not shown: ${area.dataset.title} shows ${places}.`;
        } else if (!story.classList.contains("is-unseen")) {
          shown.set(story.dataset.story, area.dataset.title);
          taken += 1;
        }
        story.querySelector(".front-story-hidden").textContent = why;
        story.classList.toggle("is-hidden", why !== "");
      }
    }
    unsaved.hidden = arrangement() === loaded;
  }

  function moveStory(story, step) {
    const list = story.parentElement;
    const area = story.closest(".front-area");
    const sibling = step < 0 ? story.previousElementSibling : story.nextElementSibling;
    if (sibling) {
      list.insertBefore(story, step < 0 ? sibling : sibling.nextElementSibling);
    } else {
      // Past the end of its area: into the next one (or the one above), at its near end.
      const all = areas();
      const next = all[all.indexOf(area) + step];
      if (!next) return announce(`‘${headline(story)}’ is already at ${whereIs(story)}.`);
      const into = listOf(next);
      if (step < 0) into.append(story);
      else into.prepend(story);
    }
    refresh();
    announce(`‘${headline(story)}’ is now at ${whereIs(story)}.`);
  }

  function moveArea(area, step) {
    const sibling = step < 0 ? area.previousElementSibling : area.nextElementSibling;
    if (!sibling) return;
    area.parentElement.insertBefore(area, step < 0 ? sibling : sibling.nextElementSibling);
    refresh();
    announce(`The area ${area.dataset.title} is now area ${areas().indexOf(area) + 1}.`);
  }

  function remove(story) {
    const area = story.closest(".front-area");
    const next = story.nextElementSibling || story.previousElementSibling;
    story.remove();
    refresh();
    announce(`‘${headline(story)}’ is removed from ${area.dataset.title}. Save to keep it so.`);
    (next ? next.querySelector("[data-remove]") : area.querySelector(".front-search")).focus();
  }

  function cardFor(found) {
    const story = template.content.firstElementChild.cloneNode(true);
    story.dataset.story = String(found.id);
    const link = story.querySelector(".front-story-headline");
    link.textContent = found.headline;
    link.href = found.url;
    if (found.thumbnail) {
      const image = new Image(48, 36);
      image.src = found.thumbnail;
      image.alt = "";
      story.querySelector(".front-story-thumb").append(image);
    }
    story.querySelector(".front-story-label").textContent = found.label;
    story.querySelector(".front-story-section").textContent = found.section;
    if (found.unseen) {
      story.classList.add("is-unseen");
      story.querySelector(".front-story-unseen").textContent =
        `Readers won’t see it: ${found.unseen}`;
    }
    story.querySelector("[data-move='-1']").setAttribute("aria-label", `Move up: ${found.headline}`);
    story.querySelector("[data-move='1']").setAttribute("aria-label", `Move down: ${found.headline}`);
    story.querySelector("[data-remove]").setAttribute("aria-label", `Remove: ${found.headline}`);
    return prepare(story);
  }

  // A story added goes first: a new lead is what the desk adds most.
  function add(area, found) {
    const already = storiesOf(area).find((story) => story.dataset.story === String(found.id));
    const story = already || cardFor(found);
    listOf(area).prepend(story);
    refresh();
    announce(`‘${found.headline}’ is now at ${whereIs(story)}. Save to publish the change.`);
    story.querySelector("[data-move='1']").focus();
  }

  function search(input) {
    const area = input.closest(".front-area");
    const list = area.querySelector(".front-found");
    const url = `${form.dataset.storiesUrl}?q=${encodeURIComponent(input.value.trim())}`;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((body) => {
        list.replaceChildren(
          ...body.stories.map((found) => {
            const item = document.createElement("li");
            const button = document.createElement("button");
            button.type = "button";
            button.className = "front-found-story";
            const about = [found.section, found.unseen].filter(Boolean).join(" · ");
            button.textContent = about ? `${found.headline} (${about})` : found.headline;
            button.addEventListener("click", () => {
              add(area, found);
              list.replaceChildren();
              input.value = "";
            });
            item.append(button);
            return item;
          }),
        );
        if (!body.stories.length) {
          const item = document.createElement("li");
          item.textContent = "No published or scheduled story matches.";
          list.append(item);
        }
      })
      .catch(() => announce("The search failed. Check your connection and try again."));
  }

  // Dragging: the card (or area) moves under the pointer as it goes, so where it lands is
  // where it shows; a drop anywhere on an area puts a story in that area.
  function prepare(story) {
    story.draggable = true;
    return story;
  }

  function before(items, y) {
    return items.find((item) => {
      const box = item.getBoundingClientRect();
      return y < box.top + box.height / 2;
    });
  }

  form.addEventListener("dragstart", (event) => {
    const story = event.target.closest && event.target.closest(".front-stories > .front-story");
    const head = event.target.closest && event.target.closest(".front-area-head");
    if (story) dragged = story;
    else if (head) dragged = head.closest(".front-area");
    else return;
    dragged.classList.add("is-dragged");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.story || dragged.dataset.area);
    if (head) event.dataTransfer.setDragImage(dragged, 20, 20);
  });

  form.addEventListener("dragover", (event) => {
    if (!dragged) return;
    const area = event.target.closest && event.target.closest(".front-area");
    if (!area) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (dragged.classList.contains("front-area")) {
      // Areas sit side by side as well as one under another: the dragged one takes the
      // place of the area it is over, which steps aside.
      if (area === dragged) return;
      const following = dragged.compareDocumentPosition(area) & Node.DOCUMENT_POSITION_FOLLOWING;
      area.parentElement.insertBefore(dragged, following ? area.nextElementSibling : area);
    } else {
      const others = storiesOf(area).filter((item) => item !== dragged);
      listOf(area).insertBefore(dragged, before(others, event.clientY) || null);
    }
  });

  form.addEventListener("drop", (event) => {
    if (!dragged) return;
    event.preventDefault();
    finishDrag();
  });

  form.addEventListener("dragend", () => {
    if (dragged) finishDrag();
  });

  function finishDrag() {
    const item = dragged;
    dragged = null;
    item.classList.remove("is-dragged");
    refresh();
    if (item.classList.contains("front-area")) {
      announce(`The area ${item.dataset.title} is now area ${areas().indexOf(item) + 1}.`);
    } else {
      announce(`‘${headline(item)}’ is now at ${whereIs(item)}.`);
    }
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const story = button.closest(".front-stories > .front-story");
    if (story && button.dataset.move) moveStory(story, Number(button.dataset.move));
    else if (story && button.hasAttribute("data-remove")) remove(story);
    else if (button.dataset.moveArea) {
      moveArea(button.closest(".front-area"), Number(button.dataset.moveArea));
    }
    // A moved element loses focus: the keyboard stays on the button it pressed.
    if (button.dataset.move || button.dataset.moveArea) button.focus();
  });

  let typing = null;
  for (const input of form.querySelectorAll(".front-search")) {
    input.addEventListener("input", () => {
      clearTimeout(typing);
      typing = setTimeout(() => search(input), 200);
    });
    input.addEventListener("focus", () => {
      if (!input.value) search(input);
    });
    input.addEventListener("keydown", (event) => {
      const found = input.closest(".front-add").querySelector(".front-found");
      if (event.key === "Escape") found.replaceChildren();
      if (event.key === "Enter") event.preventDefault(); // not a save
    });
  }

  form.addEventListener("submit", () => {
    saving = true;
    field.value = arrangement();
  });

  window.addEventListener("beforeunload", (event) => {
    if (!saving && arrangement() !== loaded) event.preventDefault();
  });

  for (const story of form.querySelectorAll(".front-stories > .front-story")) prepare(story);
  for (const head of form.querySelectorAll(".front-area-head")) head.draggable = true;
  refresh();
})();
