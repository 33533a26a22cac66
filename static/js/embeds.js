// Click to load (templates/articles/_embed.html): nothing is asked of an embed's provider until
// the reader presses its button; then its player is framed from the address we kept on the
// server, which the Content-Security-Policy's frame-src allows. Without this script the
// placeholder stays a link to the address.
for (const frame of document.querySelectorAll(".embed-frame[data-embed-src]")) {
  const button = frame.querySelector(".embed-load")
  if (!button) continue
  button.hidden = false
  button.addEventListener("click", () => {
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
  })
}
