// Person boxes (cases.forms.queue.PersonSearchInput): htmx fills a <datalist> with the people
// matching what was typed; this draws them as a list under the box that a finger, a mouse or
// the arrow keys and Enter can pick from (a native datalist popup is unreliable on phones and
// Enter in it submitted the form). ARIA combobox pattern; without JavaScript the box takes a
// typed username or full name.
(function () {
  "use strict";
  var count = 0;

  function enhance(input) {
    if (input.dataset.combobox) return;
    var source = document.getElementById(input.getAttribute("list"));
    if (!source) return;
    input.dataset.combobox = "on";
    count += 1;
    var list = document.createElement("ul");
    list.id = (input.id || "person") + "-suggestions";
    list.className = "list-group person-suggestions shadow-sm";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    if (input.labels && input.labels[0]) {
      list.setAttribute("aria-labelledby", input.labels[0].id || labelId(input.labels[0]));
    }
    input.insertAdjacentElement("afterend", list);
    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    if (input.parentElement) input.parentElement.classList.add("position-relative");
    var active = -1;

    function labelId(label) {
      label.id = "person-label-" + count;
      return label.id;
    }

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach(function (el, i) {
        el.classList.toggle("active", i === active);
        el.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function pick(option) {
      input.value = option.dataset.value;
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function draw() {
      list.replaceChildren();
      source.querySelectorAll("option").forEach(function (opt, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.className = "list-group-item list-group-item-action";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.value = opt.value;
        item.textContent = opt.textContent || opt.value;
        list.appendChild(item);
      });
      active = -1;
      var open = options().length > 0 && document.activeElement === input && input.value.trim();
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
    }

    // htmx swaps the options in; draw them when they arrive.
    new MutationObserver(draw).observe(source, { childList: true });

    list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the box
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) pick(option);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && options().length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          highlight(0);
          event.preventDefault();
        }
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
        event.preventDefault();
      } else if (event.key === "Enter" && active >= 0) {
        pick(options()[active]);
        event.preventDefault();
      } else if (event.key === "Escape") {
        close();
        event.preventDefault();
      }
    });
    input.addEventListener("blur", close);
    // Once the form is sent, a suggestion request still waiting for its delay would only be
    // cut off by the next page (htmx logs that as an error): do not send it.
    var leaving = false;
    if (input.form) {
      input.form.addEventListener("submit", function (event) {
        if (!event.defaultPrevented && !input.form.hasAttribute("hx-get")) leaving = true;
      });
    }
    window.addEventListener("pageshow", function () {
      leaving = false;
    });
    input.addEventListener("htmx:confirm", function (event) {
      if (leaving) event.preventDefault();
    });
  }

  function init(root) {
    (root || document).querySelectorAll('input[list$="-people"]').forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init();
    });
  } else init();
  document.addEventListener("htmx:load", function (event) {
    init(event.target);
  });
})();
