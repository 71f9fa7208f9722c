/* The catalog page (templates/catalog_app/listing.html) and the product page's "← Catalog".
   Loaded by both; no inline script or style (the Content-Security-Policy forbids them).

   - The filter controls always show what the URL asks for: after Back or Forward (htmx restores
     its snapshot of the page, whose controls are as first rendered), a reload, or a search
     suggestion followed. The URL is the truth; the controls are set from it.
   - The last catalog URL is remembered for the tab, so "← Catalog" on a product page returns to
     the same filtered page.
   - On a phone the filter panel folds away behind "Filters (n)"; "Show the results" closes it.
   - The search box is an ARIA 1.2 combobox: its suggestions (htmx, debounced) open below it;
     Down and Up move through them, Enter opens the one chosen, Escape closes them. */
(function () {
  "use strict";

  const STORE = "cupboard.catalog-url";

  function filtersForm() {
    return document.getElementById("filters");
  }

  function syncFilters() {
    const form = filtersForm();
    if (!form) return;
    const params = new URLSearchParams(window.location.search);
    for (const field of form.elements) {
      if (!field.name) continue;
      const value = params.get(field.name);
      if (field.type === "radio") {
        field.checked = field.value === (value || "");
      } else if (field.type === "checkbox") {
        field.checked = value !== null && value !== "";
      } else if (field.tagName === "SELECT") {
        field.value = value || "";
      } else if (field.type === "search" && document.activeElement !== field) {
        field.value = value || "";
      }
    }
    remember();
  }

  function remember() {
    if (!filtersForm()) return;
    try {
      window.sessionStorage.setItem(STORE, window.location.pathname + window.location.search);
    } catch (e) { /* storage off: "← Catalog" goes to the whole catalog */ }
  }

  function restoreBackLink() {
    const back = document.querySelector("a[data-catalog-back]");
    if (!back) return;
    let url = null;
    try { url = window.sessionStorage.getItem(STORE); } catch (e) { return; }
    if (url && url.startsWith(back.getAttribute("href"))) back.setAttribute("href", url);
  }

  /* --- the filter panel on a phone -------------------------------------------------------- */

  function setUpPanel() {
    const toggle = document.querySelector(".filters-toggle");
    const panel = document.getElementById("filter-panel");
    const done = document.querySelector(".filters-done");
    if (!toggle || !panel) return;
    toggle.hidden = false;
    if (done) done.hidden = false;
    panel.classList.add("collapsible");
    setPanel(false);
  }

  function setPanel(open) {
    const toggle = document.querySelector(".filters-toggle");
    const panel = document.getElementById("filter-panel");
    if (!toggle || !panel) return;
    panel.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", String(open));
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest(".filters-toggle")) {
      setPanel(!document.getElementById("filter-panel").classList.contains("open"));
    } else if (event.target.closest(".filters-done")) {
      setPanel(false);
      const results = document.getElementById("results");
      if (results) results.scrollIntoView({ block: "start" });
      document.querySelector(".filters-toggle").focus();
    }
  });

  /* --- the search box's suggestions ------------------------------------------------------- */

  function input() { return document.getElementById("id_q"); }
  function listbox() { return document.getElementById("search-suggestions"); }
  function options() {
    const list = listbox();
    return list ? Array.from(list.querySelectorAll('[role="option"]')) : [];
  }

  function setOpen(open) {
    const box = input();
    const list = listbox();
    if (!box || !list) return;
    const show = open && options().length > 0;
    list.hidden = !show;
    box.setAttribute("aria-expanded", String(show));
    if (!show) setActive(null);
  }

  function setActive(option) {
    const box = input();
    for (const o of options()) {
      const on = o === option;
      o.setAttribute("aria-selected", String(on));
      o.classList.toggle("active", on);
    }
    if (!box) return;
    if (option) {
      box.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      box.removeAttribute("aria-activedescendant");
    }
  }

  function move(step) {
    const all = options().filter(function (o) { return o.getAttribute("aria-disabled") !== "true"; });
    if (!all.length) return;
    setOpen(true);
    const current = all.findIndex(function (o) { return o.classList.contains("active"); });
    const next = current < 0 ? (step > 0 ? 0 : all.length - 1) : (current + step + all.length) % all.length;
    setActive(all[next]);
  }

  function follow(option) {
    if (option && option.dataset.href) window.location.assign(option.dataset.href);
  }

  function onKeydown(event) {
    if (event.target !== input()) return;
    const open = input().getAttribute("aria-expanded") === "true";
    if (event.key === "ArrowDown") {
      event.preventDefault();
      move(1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      move(-1);
    } else if (event.key === "Enter") {
      const active = options().find(function (o) { return o.classList.contains("active"); });
      if (open && active) {
        event.preventDefault();
        follow(active);
      } else {
        setOpen(false);
      }
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      setOpen(false);
    }
  }

  document.addEventListener("keydown", onKeydown);
  document.addEventListener("mousedown", function (event) {
    const option = event.target.closest && event.target.closest("#search-suggestions [role=option]");
    if (option) event.preventDefault(); // keep the focus in the search box
  });
  document.addEventListener("click", function (event) {
    const option = event.target.closest && event.target.closest("#search-suggestions [role=option]");
    if (option) follow(option);
  });
  document.addEventListener("focusout", function (event) {
    if (event.target === input()) setOpen(false);
  });

  /* --- wiring ------------------------------------------------------------------------------- */

  function setUp() {
    syncFilters();
    restoreBackLink();
    setUpPanel();
    setOpen(false);
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "search-suggestions") {
      setOpen(document.activeElement === input());
    }
  });
  // Not after the page's own requests: the controls are what was sent, and a later change
  // (a second filter ticked while the first one's results arrive) must not be undone.
  document.body.addEventListener("htmx:pushedIntoHistory", remember);
  document.body.addEventListener("htmx:historyRestore", setUp);
  window.addEventListener("pageshow", setUp);
  setUp();
})();
