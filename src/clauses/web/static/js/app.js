// Progressive enhancement only: every page works without this file (and without htmx).
(function () {
  "use strict";

  // The forms htmx saves on every change and swaps back: the wizard's step, the review's choices.
  var FORM_IDS = ["step-form", "strategy-form"];
  var formId = null; // the form of the last request
  var sent = null; // that form's values when its last request left
  var typed = null; // values changed while that request was on its way

  function valueOf(el) {
    return el.type === "radio" || el.type === "checkbox" ? el.checked : el.value;
  }

  function fields(form, visit) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.id && el.name && el.type !== "hidden" && el.type !== "submit") {
        visit(el);
      }
    });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt && FORM_IDS.indexOf(event.detail.elt.id) >= 0) {
      formId = event.detail.elt.id;
      sent = {};
      fields(event.detail.elt, function (el) { sent[el.id] = valueOf(el); });
    }
  });

  // When a saved answer changes the questions, the fields are swapped: what the buyer typed
  // while the request was on its way must survive the swap, and be saved in turn.
  document.addEventListener("htmx:beforeSwap", function () {
    var form = formId && document.getElementById(formId);
    typed = null;
    if (form && sent) {
      fields(form, function (el) {
        if (Object.prototype.hasOwnProperty.call(sent, el.id) && valueOf(el) !== sent[el.id]) {
          typed = typed || {};
          typed[el.id] = valueOf(el);
        }
      });
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    var form = formId && document.getElementById(formId);
    if (!form || !typed) {
      return;
    }
    var restored = false;
    Object.keys(typed).forEach(function (id) {
      var el = document.getElementById(id);
      if (el && el.form === form && valueOf(el) !== typed[id]) {
        if (el.type === "radio" || el.type === "checkbox") {
          el.checked = typed[id];
        } else {
          el.value = typed[id];
        }
        restored = true;
      }
    });
    typed = null;
    if (restored) {
      htmx.trigger(form, "change");
    }
  });

  // Focus what needs attention in the content just swapped in, so that it is read out: the
  // error summary, a confirmation, a new lot's first field, the notice of a save ([autofocus]);
  // or, on arriving at another step, its heading.
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail && event.detail.elt;
    if (!root || !root.querySelector) {
      return;
    }
    var target = root.querySelector("[autofocus]");
    if (!target && root.id === "wizard") {
      target = root.querySelector("h1");
    }
    if (target && document.activeElement !== target) {
      target.focus();
    }
  });

  // The CPV search: Enter searches (instead of « Suivant », the form's first button), and a
  // label typed in a code field is searched as it is typed.
  var CODE = /^\s*([0-9][0-9\s-]*$|[0-9]{8})/;

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target && event.target.id === "cpv_q") {
      event.preventDefault();
      htmx.trigger(event.target, "search");
    }
  });

  document.addEventListener("input", function (event) {
    var el = event.target;
    var search = document.getElementById("cpv_q");
    if (!search || !el || !el.hasAttribute || !el.hasAttribute("data-cpv-field")) {
      return;
    }
    var text = el.value.trim();
    if (text.length > 2 && !CODE.test(text) && search.value !== text) {
      search.value = text;
      htmx.trigger(search, "search");
    }
  });
})();
