// cmepath: small progressive enhancements; every page works without this file.
(function () {
  // Move focus to the first field with an error after an htmx swap, for keyboard users.
  document.addEventListener("htmx:afterSwap", function (event) {
    var err = event.detail.target.querySelector && event.detail.target.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (err) { err.focus(); }
  });

  // Catalog filters on narrow screens: a "Filters" button above the results shows and hides
  // the facet panel (site.css shows the button, and hides the closed panel, below 50rem only;
  // without this script the panel simply follows the results). The results are swapped by
  // htmx on every change, so the button is added again, in the state the reader left it.
  var filtersOpen = false;

  function activeFilters(panel) {
    var n = 0;
    panel.querySelectorAll("input, select").forEach(function (el) {
      if (el.type === "hidden") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { n += 1; }
      } else if (el.value) {
        n += 1;
      }
    });
    return n;
  }

  function setOpen(layout, button, open) {
    layout.classList.toggle("filters-open", open);
    layout.classList.toggle("filters-closed", !open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function enhanceFilters(root) {
    root.querySelectorAll(".catalog-layout").forEach(function (layout) {
      var panel = layout.querySelector(":scope > .catalog-facets");
      if (!panel || layout.querySelector(":scope > .filters-toggle") || panel.closest("details")) { return; }
      if (!panel.id) { panel.id = "catalog-filters"; }
      var count = activeFilters(panel);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button secondary small filters-toggle";
      button.setAttribute("aria-controls", panel.id);
      button.textContent = count ? "Filters (" + count + " on)" : "Filters";
      button.addEventListener("click", function () {
        filtersOpen = button.getAttribute("aria-expanded") !== "true";
        setOpen(layout, button, filtersOpen);
      });
      layout.insertBefore(button, layout.firstChild);
      setOpen(layout, button, filtersOpen);
    });
  }

  // Tables on narrow screens. Below 40rem site.css shows a table whose cells carry
  // data-label as one card per row, and lets any other table scroll inside itself. Here a
  // table that does not fit gets its cells labelled from its column headers, so it becomes
  // cards too (a table that fits stays a table), and every card table gets its table roles
  // stated, since some browsers drop a table's semantics once its display changes.
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 40rem)") : null;
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  function headerLabels(table) {
    var head = table.tHead;
    if (!head || !head.rows.length) { return null; }
    var labels = [];
    each(head.rows[head.rows.length - 1].cells, function (th) {
      var copy = th.cloneNode(true);
      each(copy.querySelectorAll(".sr-only"), function (el) { el.remove(); });
      var text = copy.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < th.colSpan; i += 1) { labels.push(text); }
    });
    return labels;
  }

  function labelCells(table) {
    var labels = headerLabels(table);
    if (!labels) { return; }
    var rows = [];
    each(table.tBodies, function (body) { each(body.rows, function (row) { rows.push(row); }); });
    if (table.tFoot) { each(table.tFoot.rows, function (row) { rows.push(row); }); }
    rows.forEach(function (row) {
      var column = 0;
      each(row.cells, function (cell) {
        var label = labels[column];
        if (label && cell.tagName === "TD" && cell.colSpan === 1) { cell.setAttribute("data-label", label); }
        column += cell.colSpan;
      });
    });
  }

  function stateRoles(table) {
    var set = function (el, role) { if (!el.hasAttribute("role")) { el.setAttribute("role", role); } };
    set(table, "table");
    each(table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot"), function (group) {
      set(group, "rowgroup");
      each(group.rows, function (row) {
        set(row, "row");
        each(row.cells, function (cell) {
          if (cell.tagName === "TD") { set(cell, "cell"); } else { set(cell, group.tagName === "THEAD" ? "columnheader" : "rowheader"); }
        });
      });
    });
  }

  function enhanceTables(root) {
    each(root.querySelectorAll("table.table"), function (table) {
      if (!table.querySelector("td[data-label]")) {
        var box = table.parentElement.classList.contains("table-wrap") ? table.parentElement : table;
        if (!narrow || !narrow.matches || box.scrollWidth <= box.clientWidth + 1) { return; }
        labelCells(table);
      }
      if (table.querySelector("td[data-label]")) { stateRoles(table); }
    });
  }

  function enhance() {
    enhanceFilters(document);
    enhanceTables(document);
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { enhanceTables(document); }, 150);
  });
  // a table in a closed <details> has no width until it opens
  document.addEventListener("toggle", function (event) {
    if (event.target.open) { enhanceTables(event.target); }
  }, true);
  document.addEventListener("htmx:afterSettle", enhance);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
