/* Accessibility fixes for parts Dash 4 draws itself (dcc.Dropdown, dcc.Slider), applied as the page changes:
   - a dropdown's keyboard focus target is an input marked aria-hidden yet focusable: it is the control a
     keyboard user types into, so it is exposed and named like its dropdown;
   - a dropdown's clear link has an aria-label but no role: it is a button;
   - a slider's thumb and its number box have no name: they take the text of the nearest label above them;
   - dash-bootstrap-components' progress bars (role progressbar) take no aria-label: each is named after its
     row's model ("EBM: progress of the computation");
   - type-ahead: Dash opens a dropdown with Enter on its selected option (or its first), where typed letters were
     ignored; a printable key there goes on into the dropdown's search box (one without a search box jumps to
     the first option starting with the letters typed), the first option starting with the search text is
     marked, and Enter picks it (Dash's own Enter picks the first option containing the text: "t" would pick
     "partner" before "tenure"). */
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
    document.querySelectorAll("[role='progressbar']:not([aria-label])").forEach(function (bar) {
      const row = bar.closest(".progress-line");
      const model = row && row.querySelector(".progress-model");
      bar.setAttribute("aria-label", (model ? model.textContent.trim() + ": " : "") + "progress of the computation");
    });
  }
  const TYPED_PAUSE_MS = 800;  // letters typed within this pause build one prefix, as in a native <select>
  let typed = "", typedAt = 0;
  function printable(event) {
    return event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey && event.key !== " ";
  }
  function prefixMatch(content, text) {
    const wanted = text.trim().toLowerCase();
    if (!wanted) { return null; }
    return Array.from(content.querySelectorAll(".dash-dropdown-option")).find(function (option) {
      return option.textContent.trim().toLowerCase().startsWith(wanted);
    }) || null;
  }
  function markMatches() {
    document.querySelectorAll(".dash-dropdown-content").forEach(function (content) {
      const search = content.querySelector(".dash-dropdown-search");
      const match = search ? prefixMatch(content, search.value) : null;
      content.querySelectorAll(".type-ahead-match").forEach(function (option) {
        if (option !== match) { option.classList.remove("type-ahead-match"); }
      });
      if (match && !match.classList.contains("type-ahead-match")) {
        match.classList.add("type-ahead-match");
        match.scrollIntoView({ block: "nearest" });
      }
    });
  }
  function typeInto(input, key) {
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    input.focus();
    setValue.call(input, input.value + key);
    input.dispatchEvent(new Event("input", { bubbles: true }));  // React's onChange: Dash filters the options
  }
  function jump(content, key) {
    typed = (Date.now() - typedAt < TYPED_PAUSE_MS ? typed : "") + key;
    typedAt = Date.now();
    const match = prefixMatch(content, typed) || prefixMatch(content, key);
    const target = match && match.querySelector("input");
    if (target) { target.focus(); match.scrollIntoView({ block: "nearest" }); }
  }
  function searchBox(target) {
    return target.classList && target.classList.contains("dash-dropdown-search") ? target : null;
  }
  function openClosed(button, key) {
    // Closed: Dash opens a searchable dropdown and types the key into its search box itself (on keyup); one
    // without a search box stays shut, so it is opened here and the key jumps to a matching option. Only a
    // dropdown that stayed shut is opened: one already open (the key reached the button before Dash moved the
    // focus into the list) or opened since, then closed by a quick pick, was reopened over the page.
    if (button.getAttribute("aria-expanded") === "true") { return; }
    let opened = false;
    const watch = new MutationObserver(function () {
      opened = opened || button.getAttribute("aria-expanded") === "true";
    });
    watch.observe(button, { attributes: true, attributeFilter: ["aria-expanded"] });
    setTimeout(function () {
      watch.disconnect();
      if (opened || button.getAttribute("aria-expanded") === "true") { return; }
      button.click();
      setTimeout(function () {
        const content = document.querySelector(".dash-dropdown-content");
        if (content && !content.querySelector(".dash-dropdown-search")) { jump(content, key); }
      }, 120);
    }, 120);
  }
  document.addEventListener("keydown", function (event) {
    const target = event.target;
    const content = target.closest && target.closest(".dash-dropdown-content");
    if (content && printable(event) && !searchBox(target)) {
      const search = content.querySelector(".dash-dropdown-search");
      event.preventDefault();
      if (search) { typeInto(search, event.key); } else { jump(content, event.key); }
    } else if (content && event.key === "Enter" && searchBox(target) && prefixMatch(content, target.value)) {
      event.preventDefault();  // picked on keyup, where Dash picks
    } else if (target.matches && target.matches("button.dash-dropdown") && printable(event)) {
      openClosed(target, event.key);
    }
  }, true);
  document.addEventListener("keyup", function (event) {
    const search = event.key === "Enter" && searchBox(event.target);
    const content = search && search.closest(".dash-dropdown-content");
    const match = content && prefixMatch(content, search.value);
    if (match) { event.stopPropagation(); match.click(); }  // before Dash's own keyup picks the first option
  }, true);
  let queued = false;
  new MutationObserver(function () {
    if (!queued) { queued = true; requestAnimationFrame(function () { queued = false; patch(); markMatches(); }); }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", patch);
})();
