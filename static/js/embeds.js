// Click to load (templates/articles/_embed.html): nothing is asked of an embed's provider until
// the reader presses its button; then its player is framed from the address we kept on the
// server, which the Content-Security-Policy's frame-src allows. Without this script the
// placeholder stays a link to the address.
const PLACEHOLDER = ".embed-frame[data-embed-src]"

function offer(root) {
  for (const button of root.querySelectorAll(`${PLACEHOLDER} .embed-load`)) button.hidden = false
}

function load(frame, button) {
  let src
  try {
    src = new URL(frame.dataset.embedSrc)
  } catch {
    return
  }
  if (src.protocol !== "https:" && src.protocol !== "http:") return
  const player = document.createElement("iframe")
  player.className = "embed-player"
  player.src = src.href
  player.title = frame.dataset.embedTitle || button.textContent
  player.allow = "encrypted-media; fullscreen; picture-in-picture"
  player.referrerPolicy = "strict-origin-when-cross-origin"
  player.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-presentation")
  frame.classList.add("embed-loaded")
  frame.replaceChildren(player)
  player.focus()
}

// One listener for the page: placeholders that arrive later (a live page's new entries,
// told by static/articles/live.js) load like those it began with.
document.addEventListener("click", (event) => {
  const button = event.target.closest(`${PLACEHOLDER} .embed-load`)
  if (button) load(button.closest(PLACEHOLDER), button)
})
document.addEventListener("newsroom:inserted", (event) => offer(event.target))
offer(document)
