/* The API docs at /api/docs/ (templates/drf_spectacular/swagger_ui.html): starts Swagger UI and repairs its
   markup where axe and a keyboard user find fault. In a file of its own because the Content-Security-Policy
   allows no inline script; it takes the place of drf-spectacular's inline swagger_ui.js, of which it keeps the
   CSRF header (the docs and schema views are public: there are no schema credentials to inject).

   What Swagger UI (5.x) leaves out, added as attributes each time React renders the parts again:
   - landmarks: the title and description, and the Authorize button, stand outside the <main> Swagger UI
     renders for the operations; they become a banner and a named region.
   - headings: the title is an <h1> and the headings below it start at <h3>; each heading is announced one
     level up (aria-level), so the tags and "Schemas" are level 2 and what is inside an operation level 3.
   - names: the fields of "Try it out" (by their parameter), the request body, the examples list, a
     schema's open/close buttons that hold only an arrow (by their property), and each operation's responses
     table, a region whose name must differ from the others'.
   - code that scrolls (long examples and answers) can be reached with the keyboard.
   - the Authorize dialog: a dialog (role, aria-modal, named by its heading) with a close button that has a
     name; focus moves into it, stays there, Escape closes it and focus goes back to where it was.
   Swagger UI's default code colours (agate) write numbers at 3.5:1: tomorrow-night is used instead, unless
   SWAGGER_UI_SETTINGS says otherwise.
   The page is English (like Swagger UI), so every request asks for English: the schema's titles and the
   answers of "Try it out" then speak the page's language. */
(function () {
  "use strict";

  const container = document.getElementById("swagger-ui");
  const language = document.documentElement.lang || "en";

  function readSettings() {
    try {
      return JSON.parse(container.dataset.settings || "{}");
    } catch (error) {
      console.error("SWAGGER_UI_SETTINGS is not JSON; starting Swagger UI without it.", error);
      return {};
    }
  }

  function requestInterceptor(request) {
    if (!request.headers["Accept-Language"]) {
      request.headers["Accept-Language"] = language;
    }
    // The session needs the CSRF token on anything that changes data; only for this server.
    if (!["GET", undefined].includes(request.method) && request.credentials === "same-origin") {
      request.headers[container.dataset.csrfHeader] = container.dataset.csrfToken;
    }
    return request;
  }

  /* Repairs, idempotent: run on the whole tree after every change React makes. */

  function addLandmarks(root) {
    const info = root.querySelector(".information-container");
    if (info && !info.hasAttribute("role")) {
      info.setAttribute("role", "banner");
    }
    const schemes = root.querySelector(".scheme-container");
    if (schemes && !schemes.hasAttribute("role")) {
      schemes.setAttribute("role", "region");
      schemes.setAttribute("aria-label", "Authorization");
    }
  }

  function levelHeadings(root) {
    root.querySelectorAll("h3:not([aria-level]), h4:not([aria-level]), h5:not([aria-level]), h6:not([aria-level])")
      .forEach(function (heading) {
        const sectionHeading = heading.parentElement && heading.parentElement.matches(".models");
        const level = sectionHeading ? 2 : Number(heading.tagName.charAt(1)) - 1;
        heading.setAttribute("aria-level", String(level));
      });
  }

  function nameFormControls(root) {
    // A parameter's field is named by its row (path, query and header parameters, and form fields).
    root.querySelectorAll("tr[data-param-name], tr[data-property-name]").forEach(function (row) {
      const name = row.dataset.paramName || row.dataset.propertyName;
      row.querySelectorAll(".parameters-col_description input:not([type=checkbox]), " +
                          ".parameters-col_description select, .parameters-col_description textarea")
        .forEach(function (field) { nameIfNameless(field, name); });
    });
    root.querySelectorAll("textarea.body-param__text").forEach(function (field) {
      nameIfNameless(field, "Request body");
    });
    root.querySelectorAll("select.examples-select-element").forEach(function (field) {
      nameIfNameless(field, "Example");
    });
  }

  function nameIfNameless(element, name) {
    if (!element.hasAttribute("aria-label") && !element.hasAttribute("aria-labelledby") && !element.labels?.length) {
      element.setAttribute("aria-label", name);
    }
  }

  function nameSchemaToggles(root) {
    // An opened property shows only an arrow in its button; the property's name says what it opens.
    root.querySelectorAll("button.model-box-control:not([aria-label])").forEach(function (button) {
      if (button.textContent.trim()) {
        return;
      }
      const row = button.closest("tr.property-row");
      const cell = row && row.querySelector("td");
      const container = button.closest(".model-container");
      const name = cell ? cell.textContent.replace("*", "").trim() : container && container.dataset.name;
      button.setAttribute("aria-label", name || "Schema");
    });
  }

  function nameResponseTables(root) {
    // Each operation's responses table is a region; named after its operation, as landmarks must differ.
    root.querySelectorAll(".opblock table.responses-table[role=region]:not([aria-label])").forEach(function (table) {
      const operation = table.closest(".opblock");
      const method = operation.querySelector(".opblock-summary-method");
      const path = operation.querySelector(".opblock-summary-path");
      table.setAttribute("aria-label", "Responses of " + (method ? method.textContent : "") + " " +
                         (path ? path.dataset.path : ""));
    });
  }

  function focusableWhenScrolling(root) {
    // Code that scrolls (long examples and answers) can be scrolled with the keyboard; other code is no stop.
    root.querySelectorAll("pre.microlight").forEach(function (pre) {
      const scrolls = pre.scrollHeight > pre.clientHeight + 1 || pre.scrollWidth > pre.clientWidth + 1;
      if (scrolls && !pre.hasAttribute("tabindex")) {
        pre.setAttribute("tabindex", "0");
      } else if (!scrolls && pre.getAttribute("tabindex") === "0") {
        pre.removeAttribute("tabindex");
      }
    });
  }

  let dialog = null;        // the open .modal-ux, if any
  let dialogOpener = null;  // what had focus when it opened

  function focusable(element) {
    return Array.from(element.querySelectorAll("button, input, select, textarea, a[href], [tabindex]"))
      .filter(function (el) { return !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0; });
  }

  function dressDialog(modal) {
    modal.setAttribute("role", "dialog");
    modal.setAttribute("aria-modal", "true");
    const heading = modal.querySelector(".modal-ux-header h3, .modal-ux-header h4");
    if (heading) {
      heading.id = heading.id || "api-docs-dialog-title";
      modal.setAttribute("aria-labelledby", heading.id);
    }
    const close = modal.querySelector(".close-modal");
    if (close && !close.hasAttribute("aria-label")) {
      close.setAttribute("aria-label", "Close");
    }
  }

  function watchDialog(root) {
    const modal = root.querySelector(".dialog-ux .modal-ux");
    if (modal && modal !== dialog) {
      dressDialog(modal);
      if (!dialog) {
        dialogOpener = document.activeElement;
      }
      dialog = modal;
      if (!modal.contains(document.activeElement)) {
        const first = focusable(modal).find(function (el) { return el.matches("input, select, textarea"); });
        (first || modal.querySelector(".close-modal") || modal).focus();
      }
    } else if (modal) {
      dressDialog(modal);  // React may have rendered its content again
    } else if (dialog) {
      dialog = null;
      const back = dialogOpener && dialogOpener.isConnected ? dialogOpener : root.querySelector(".btn.authorize");
      dialogOpener = null;
      if (back) {
        back.focus();
      }
    }
  }

  document.addEventListener("keydown", function (event) {
    if (!dialog || !dialog.isConnected) {
      return;
    }
    if (event.key === "Escape") {
      const close = dialog.querySelector(".close-modal");
      if (close) {
        event.preventDefault();
        close.click();
      }
    } else if (event.key === "Tab") {
      const items = focusable(dialog);
      if (items.length === 0) {
        return;
      }
      const first = items[0];
      const last = items[items.length - 1];
      if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    }
  });

  function repair() {
    addLandmarks(container);
    levelHeadings(container);
    nameFormControls(container);
    nameSchemaToggles(container);
    nameResponseTables(container);
    focusableWhenScrolling(container);
    watchDialog(container);
  }

  new MutationObserver(repair).observe(container, { childList: true, subtree: true });
  window.addEventListener("resize", function () { focusableWhenScrolling(container); });

  window.ui = SwaggerUIBundle(Object.assign({
    url: container.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: requestInterceptor,
    // The default theme (agate) writes numbers at 3.5:1; in this one JSON and shell reach 4.5:1 or more.
    syntaxHighlight: { activated: true, theme: "tomorrow-night" },
  }, readSettings()));
})();
