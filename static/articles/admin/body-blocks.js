// The story body's own blocks in the editor (django-prose-editor's extension mechanism; the
// allow-list is in settings.DJANGO_PROSE_EDITOR_EXTENSIONS). The body stores references
// only: <figure data-photo="42"> and <aside data-story="7">; readers' pages draw them at
// read time (articles/bodies.py). Here each shows what it will be: the photo with its
// credit, the story's headline and state, fetched from the admin's chooser endpoints.
import {
  crel,
  Extension,
  gettext,
  mergeAttributes,
  Node,
  updateAttrsDialog,
} from "django-prose-editor/editor"

const positiveId = (value) => (/^[0-9]{1,9}$/.test(value || "") ? value : "")

async function fetchJSON(url) {
  const response = await fetch(url, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  if (!response.ok) throw new Error(`${response.status}`)
  return response.json()
}

// A dialog listing what a search finds; resolves with the chosen item or null.
function chooser(editor, { title, search, url, describe }) {
  return new Promise((resolve) => {
    const input = crel("input", { type: "search", name: "q", size: 40 })
    const results = crel("ul", { className: "body-chooser-results" })
    const status = crel("p", { className: "body-chooser-status", role: "status" })
    const cancel = crel("button", { type: "button", textContent: gettext("Cancel") })
    const dialog = crel("dialog", { className: "prose-editor-dialog body-chooser" }, [
      crel("form", {}, [
        crel("h3", { className: "prose-editor-dialog-title", textContent: title }),
        crel("label", {}, [search, " ", input]),
        status,
        results,
        crel("div", { className: "prose-editor-dialog-buttons" }, [cancel]),
      ]),
    ])
    const wrapper = crel("div", {}, [dialog])
    editor.view.dom.parentElement.append(wrapper)
    let chosen = null
    let asked = 0

    async function find() {
      const question = ++asked
      let answer
      try {
        answer = await fetchJSON(`${url}?q=${encodeURIComponent(input.value.trim())}`)
      } catch {
        status.textContent = gettext("The search failed: try again.")
        return
      }
      if (question !== asked) return // a later search has been asked meanwhile
      results.textContent = ""
      status.textContent = answer.results.length ? "" : gettext("Nothing found.")
      for (const item of answer.results) {
        const choose = crel("button", {
          type: "button",
          className: "body-chooser-choose",
          textContent: gettext("Insert"),
        })
        choose.setAttribute("aria-label", `${gettext("Insert")}: ${item.label}`)
        choose.addEventListener("click", () => {
          chosen = item
          dialog.close()
        })
        results.append(crel("li", {}, [describe(item), choose]))
      }
    }

    let timer
    input.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(find, 250)
    })
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault()
        clearTimeout(timer)
        find()
      }
    })
    cancel.addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => {
      wrapper.remove()
      resolve(chosen)
    })
    dialog.showModal()
    find()
  })
}

function photoSummary(item) {
  const parts = [crel("span", { className: "body-block-label", textContent: item.label })]
  if (item.credit_line) {
    parts.push(crel("span", { className: "body-block-credit", textContent: item.credit_line }))
  }
  for (const problem of item.problems || []) {
    parts.push(crel("span", { className: "body-block-problem", textContent: problem }))
  }
  const text = crel("span", { className: "body-block-text" }, parts)
  return item.thumbnail
    ? crel("span", { className: "body-block-summary" }, [
        crel("img", { src: item.thumbnail, alt: "", width: 80 }),
        text,
      ])
    : crel("span", { className: "body-block-summary" }, [text])
}

function storySummary(item) {
  return crel("span", { className: "body-block-summary" }, [
    crel("span", { className: "body-block-text" }, [
      crel("span", { className: "body-block-label", textContent: item.label }),
      crel("span", { className: "body-block-state", textContent: item.state }),
    ]),
  ])
}

// An atom block holding one reference (`attribute` on `tag`), shown by what the chooser
// endpoint says of it.
function referenceNode({ name, tag, attribute, kind, describe, icon, title, label, search, heading }) {
  return Node.create({
    name,
    group: "block",
    atom: true,
    draggable: true,
    selectable: true,

    addOptions() {
      return { url: "" }
    },

    addAttributes() {
      return {
        ref: {
          default: "",
          parseHTML: (element) => positiveId(element.getAttribute(attribute)),
          renderHTML: (attributes) => ({ [attribute]: attributes.ref }),
        },
      }
    },

    parseHTML() {
      return [{ tag: `${tag}[${attribute}]` }]
    },

    renderHTML({ HTMLAttributes }) {
      return [tag, mergeAttributes(HTMLAttributes)]
    },

    addNodeView() {
      const url = this.options.url
      return ({ node }) => {
        const dom = crel("div", { className: `body-block body-block-${kind}` })
        dom.setAttribute("data-body-block", kind)
        dom.contentEditable = "false"
        const caption = crel("span", { className: "body-block-kind", textContent: heading })
        dom.append(caption, crel("span", { textContent: "…" }))
        fetchJSON(`${url}?id=${encodeURIComponent(node.attrs.ref)}`)
          .then((answer) => {
            const item = answer.results[0]
            dom.lastChild.replaceWith(
              item
                ? describe(item)
                : crel("span", {
                    className: "body-block-problem",
                    textContent: `${label} #${node.attrs.ref}: ${gettext("not found; readers see nothing here.")}`,
                  }),
            )
          })
          .catch(() => {
            dom.lastChild.textContent = `${label} #${node.attrs.ref}`
          })
        return { dom }
      }
    },

    addCommands() {
      return {
        [`insert${name}`]:
          () =>
          ({ editor }) => {
            chooser(editor, { title, search, url: this.options.url, describe }).then((item) => {
              if (item) {
                editor
                  .chain()
                  .focus()
                  .insertContent({ type: name, attrs: { ref: String(item.id) } })
                  .run()
              }
            })
            return true
          },
      }
    },

    addMenuItems({ buttons, menu }) {
      menu.defineItem({
        name,
        groups: "nodes",
        command: (editor) => editor.commands[`insert${name}`](),
        button: buttons.material(icon, title),
      })
    },
  })
}

export const BodyPhoto = referenceNode({
  name: "BodyPhoto",
  tag: "figure",
  attribute: "data-photo",
  kind: "photo",
  describe: photoSummary,
  icon: "add_photo_alternate",
  title: gettext("Insert a photo from the library"),
  label: gettext("Photo"),
  heading: gettext("Photo from the library"),
  search: gettext("Search photos by caption, credit or number"),
})

export const StoryLink = referenceNode({
  name: "StoryLink",
  tag: "aside",
  attribute: "data-story",
  kind: "story",
  describe: storySummary,
  icon: "article",
  title: gettext("Insert a link to one of our stories"),
  label: gettext("Story"),
  heading: gettext("Related story, shown as a card"),
  search: gettext("Search stories by headline or number"),
})

// A table's caption, kept as an attribute the reader's page turns into <caption>.
export const TableCaption = Extension.create({
  name: "TableCaption",

  addGlobalAttributes() {
    return [
      {
        types: ["table"],
        attributes: {
          caption: {
            default: "",
            parseHTML: (element) =>
              element.getAttribute("data-caption") ||
              element.querySelector(":scope > caption")?.textContent ||
              "",
            renderHTML: (attributes) =>
              attributes.caption ? { "data-caption": attributes.caption } : {},
          },
        },
      },
    ]
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "tableCaption",
      groups: "table",
      command(editor) {
        const current = editor.getAttributes("table").caption || ""
        updateAttrsDialog(
          { caption: { type: "string", title: gettext("Caption") } },
          { title: gettext("Table caption") },
        )(editor, { caption: current }).then((attrs) => {
          if (attrs) {
            editor.chain().focus().updateAttributes("table", { caption: attrs.caption.trim() }).run()
          }
        })
      },
      button: buttons.material("short_text", gettext("Table caption")),
      hidden(editor) {
        return !editor.isActive("table")
      },
    })
  },
})

const webAddress = (value) =>
  /^https?:\/\/\S+$/.test(value || "") && (value || "").length <= 500 ? value : ""

function embedSummary(item) {
  const parts = [
    crel("span", { className: "body-block-label", textContent: item.label }),
    crel("span", {
      className: "body-block-state",
      textContent: [item.provider, item.author].filter(Boolean).join(" · "),
    }),
  ]
  if (item.problem) {
    parts.push(crel("span", { className: "body-block-problem", textContent: item.problem }))
  } else if (!item.plays) {
    parts.push(
      crel("span", {
        className: "body-block-credit",
        textContent: gettext("Readers get a link to the post: its provider offers no player."),
      }),
    )
  }
  const text = crel("span", { className: "body-block-text" }, parts)
  return item.thumbnail
    ? crel("span", { className: "body-block-summary" }, [
        crel("img", { src: item.thumbnail, alt: "", width: 80 }),
        text,
      ])
    : crel("span", { className: "body-block-summary" }, [text])
}

// A post, video or map by its address: <figure data-embed="https://…">. The server asks the
// provider (articles/oembed.py) and says here what it answered, or why it failed.
export const Embed = Node.create({
  name: "Embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { url: "" }
  },

  addAttributes() {
    return {
      address: {
        default: "",
        parseHTML: (element) => webAddress(element.getAttribute("data-embed")),
        renderHTML: (attributes) => ({ "data-embed": attributes.address }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-embed]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", mergeAttributes(HTMLAttributes)]
  },

  addNodeView() {
    const url = this.options.url
    return ({ node }) => {
      const dom = crel("div", { className: "body-block body-block-embed" })
      dom.setAttribute("data-body-block", "embed")
      dom.contentEditable = "false"
      const heading = gettext("Embed")
      dom.append(
        crel("span", { className: "body-block-kind", textContent: `${heading}: ${node.attrs.address}` }),
        crel("span", { textContent: gettext("Asking the provider…") }),
      )
      fetchJSON(`${url}?url=${encodeURIComponent(node.attrs.address)}`)
        .then((answer) => {
          const item = answer.results[0]
          dom.lastChild.replaceWith(
            item
              ? embedSummary(item)
              : crel("span", {
                  className: "body-block-problem",
                  textContent: `${answer.problem || ""} ${gettext("Readers see nothing here.")}`,
                }),
          )
        })
        .catch(() => {
          dom.lastChild.textContent = gettext("The preview failed: it is asked again on save.")
        })
      return { dom }
    }
  },

  addCommands() {
    return {
      insertEmbed:
        () =>
        ({ editor }) => {
          const address = {
            type: "string",
            format: "url",
            required: true,
            title: gettext("Address"),
            description: gettext(
              "Of a post, video or map on YouTube, Vimeo, X, Bluesky, Instagram, TikTok, " +
                "Facebook, OpenStreetMap or Google Maps",
            ),
          }
          updateAttrsDialog(
            { address },
            { title: gettext("Embed a post, video or map"), submitText: gettext("Embed") },
          )(editor, { address: "" }).then((attrs) => {
            const address = webAddress((attrs?.address || "").trim())
            if (address) {
              editor.chain().focus().insertContent({ type: "Embed", attrs: { address } }).run()
            }
          })
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "Embed",
      groups: "nodes",
      command: (editor) => editor.commands.insertEmbed(),
      button: buttons.material("smart_display", gettext("Embed a post, video or map")),
    })
  },
})
