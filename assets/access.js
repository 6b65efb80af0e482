/* Accessibility fixes for parts Dash 4 draws itself (dcc.Dropdown, dcc.Slider), applied as the page changes:
   - a dropdown's keyboard focus target is an input marked aria-hidden yet focusable: it is the control a
     keyboard user types into, so it is exposed and named like its dropdown;
   - a dropdown's clear link has an aria-label but no role: it is a button;
   - a slider's thumb and its number box have no name: they take the text of the nearest label above them. */
(function () {
  function nearestLabel(element) {
    for (let node = element; node && node !== document.body; node = node.parentElement) {
      const label = node.querySelector("label, .form-label, .control-label");
      if (label && label.textContent.trim()) { return label.textContent.trim(); }
    }
    return "";
  }
  function patch() {
    document.querySelectorAll(".dash-dropdown-focus-target[aria-hidden='true']").forEach(function (input) {
      const button = input.parentElement && input.parentElement.querySelector("button.dash-dropdown");
      input.removeAttribute("aria-hidden");
      if (button && button.getAttribute("aria-labelledby")) {
        input.setAttribute("aria-labelledby", button.getAttribute("aria-labelledby"));
      } else {
        input.setAttribute("aria-label", nearestLabel(input) || "choose");
      }
    });
    document.querySelectorAll("a.dash-dropdown-clear:not([role])").forEach(function (link) {
      link.setAttribute("role", "button");
    });
    document.querySelectorAll(".dash-slider-thumb:not([aria-label]), input.dash-range-slider-input:not([aria-label])")
      .forEach(function (control) {
        const name = nearestLabel(control) || "value";
        control.setAttribute("aria-label", control.tagName === "INPUT" ? name + " (type a value)" : name);
      });
  }
  let queued = false;
  new MutationObserver(function () {
    if (!queued) { queued = true; requestAnimationFrame(function () { queued = false; patch(); }); }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", patch);
})();
