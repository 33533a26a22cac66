// Photo admin: click the preview to set the focal point that cropped renditions keep in frame.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const image = document.querySelector("img[data-focal-point]");
  const across = document.getElementById("id_focal_x");
  const down = document.getElementById("id_focal_y");
  if (!image || !across || !down) return;

  const marker = document.createElement("span");
  marker.setAttribute("aria-hidden", "true");
  Object.assign(marker.style, {
    position: "absolute", width: "18px", height: "18px", margin: "-11px 0 0 -11px",
    border: "2px solid #fff", borderRadius: "50%", boxShadow: "0 0 0 2px #000",
    pointerEvents: "none",
  });
  image.parentElement.appendChild(marker);

  const fraction = (input) => {
    const value = parseFloat(input.value);
    return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.5;
  };
  const place = () => {
    marker.style.left = `${fraction(across) * image.clientWidth}px`;
    marker.style.top = `${fraction(down) * image.clientHeight}px`;
  };
  image.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    const clamp = (value) => Math.min(1, Math.max(0, value));
    across.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
    down.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
    place();
  });
  across.addEventListener("input", place);
  down.addEventListener("input", place);
  if (image.complete) place(); else image.addEventListener("load", place);
});
