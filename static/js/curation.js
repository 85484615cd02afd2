/* CAFex curation pages: keyboard shortcuts and the term pick lists. No dependencies besides htmx.
 *
 * Pages declare their keys in markup, so the help overlay and the behaviour cannot drift apart:
 *   data-key="x"          clicking this element is the action of key x (links, buttons, <details> summaries);
 *   data-key-focus="x"    key x focuses this field instead (opening any closed <details> around it);
 *   data-nav-list / data-nav-item   j/k move through the items; keys found inside the current item win.
 * Keys never fire while the user types in a field; Escape leaves the field.
 */
(function () {
  "use strict";

  function isTyping(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable) return true;
    if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    if (el.tagName !== "INPUT") return false;
    return !/^(checkbox|radio|button|submit|reset|hidden|file|range|color)$/i.test(el.type);
  }

  function keyName(event) {
    var key = event.key;
    if (key === "Enter" || key === "Escape") return key;
    return key.length === 1 ? key : "";
  }

  function openDetailsAround(el) {
    for (var node = el; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
  }

  /* ---- lists navigated with j / k ---- */
  var current = null;

  // htmx may have swapped the current item for a new copy (same id): follow it rather than lose the place.
  function liveCurrent() {
    if (current && !document.contains(current)) {
      var replacement = current.id ? document.getElementById(current.id) : null;
      current = replacement && replacement.hasAttribute("data-nav-item") ? replacement : null;
      if (current) current.classList.add("current");
    }
    return current;
  }

  function navItems() {
    var list = document.querySelector("[data-nav-list]");
    return list ? Array.prototype.slice.call(list.querySelectorAll("[data-nav-item]")) : [];
  }

  function setCurrent(item) {
    if (current) current.classList.remove("current");
    current = item;
    if (!item) return;
    item.classList.add("current");
    var target = item.querySelector("[data-nav-focus]") || item;
    target.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var items = navItems();
    if (!items.length) return false;
    var index = items.indexOf(liveCurrent());
    index = index < 0 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, index + step));
    setCurrent(items[index]);
    return true;
  }

  function findBinding(key) {
    var quoted = key === '"' || key === "\\" ? "\\" + key : key;
    var selector = '[data-key="' + quoted + '"], [data-key-focus="' + quoted + '"]';
    if (liveCurrent()) {
      var inside = current.querySelector(selector);
      if (inside) return inside;
    }
    // Outside the current item only: a key must never act on a row the user has not chosen.
    var all = document.querySelectorAll(selector);
    for (var i = 0; i < all.length; i++) {
      if (!all[i].closest("[data-nav-item]")) return all[i];
    }
    return null;
  }

  function activate(el, key) {
    if (el.getAttribute("data-key-focus") === key) {
      openDetailsAround(el);
      el.focus();
      if (el.select) el.select();
      return;
    }
    openDetailsAround(el.parentElement);
    el.click();
  }

  /* ---- help overlay ---- */
  function helpDialog() {
    return document.getElementById("key-help");
  }

  function toggleHelp() {
    var dialog = helpDialog();
    if (!dialog) return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;

    // Ctrl+Enter (or Cmd+Enter) sends the form being typed in, from any of its fields.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var form = target.closest && target.closest("form[data-ctrl-enter]");
      if (form) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (isTyping(target)) {
      if (event.key === "Escape" && !target.closest("[data-picker]")) target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var key = keyName(event);
    if (!key) return;
    var dialog = helpDialog();
    if (dialog && dialog.open && key !== "?" && key !== "Escape") return;

    if (key === "?") {
      event.preventDefault();
      toggleHelp();
      return;
    }
    if ((key === "j" || key === "k") && !findBinding(key)) {
      if (move(key === "j" ? 1 : -1)) event.preventDefault();
      return;
    }
    if (key === "Enter" || key === "Escape") return;
    var binding = findBinding(key);
    if (binding) {
      event.preventDefault();
      activate(binding, key);
    }
  });

  document.addEventListener("click", function (event) {
    var item = event.target.closest && event.target.closest("[data-nav-item]");
    if (item && item !== current) {
      if (current) current.classList.remove("current");
      current = item;
      item.classList.add("current");
    }
    var closer = event.target.closest && event.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
  });

  /* ---- a double click on a send button must not send twice ---- */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.method.toLowerCase() !== "post" || form.hasAttribute("hx-post")) return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    // Reset after a while so a form whose response never arrived can be sent again.
    setTimeout(function () {
      delete form.dataset.sent;
    }, 8000);
  });

  // A page restored from the back/forward cache may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-sent]").forEach(function (form) {
        delete form.dataset.sent;
      });
    }
  });

  /* ---- term pick lists: type, move with the arrows, Enter picks, Backspace on empty removes ---- */
  function options(picker) {
    return Array.prototype.slice.call(picker.querySelectorAll('[role="option"]'));
  }

  function setActive(picker, option) {
    var input = picker.querySelector("[data-picker-input]");
    options(picker).forEach(function (o) {
      o.classList.toggle("active", o === option);
      o.setAttribute("aria-selected", o === option ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function closeList(picker) {
    var list = picker.querySelector("[data-picker-list]");
    var input = picker.querySelector("[data-picker-input]");
    list.innerHTML = "";
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function listIsCurrent(picker) {
    var first = picker.querySelector("[data-picker-list] [data-q]");
    var typed = picker.querySelector("[data-picker-input]").value.trim();
    return !!first && first.getAttribute("data-q") === typed;
  }

  function chosen(picker) {
    return Array.prototype.slice.call(picker.querySelectorAll('input[type="hidden"][data-term]')).map(function (i) {
      return i.value;
    });
  }

  function pick(picker, option) {
    var id = option.getAttribute("data-term-id");
    var input = picker.querySelector("[data-picker-input]");
    if (chosen(picker).indexOf(id) < 0) {
      var chip = document.createElement("li");
      chip.className = "chip";
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = picker.getAttribute("data-facet");
      hidden.value = id;
      hidden.setAttribute("data-term", "");
      var label = document.createElement("span");
      label.textContent = option.getAttribute("data-label");
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("data-chip-remove", "");
      remove.setAttribute("aria-label", "Remove " + option.getAttribute("data-label"));
      remove.textContent = "×";
      chip.appendChild(hidden);
      chip.appendChild(label);
      chip.appendChild(remove);
      picker.querySelector("[data-chips]").appendChild(chip);
    }
    input.value = "";
    closeList(picker);
    input.focus();
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-picker-input")) return;
    var picker = input.closest("[data-picker]");
    var list = options(picker);
    var active = picker.querySelector('[role="option"].active');
    var index = list.indexOf(active);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!list.length) {
        if (window.htmx) window.htmx.trigger(input, "picker:open");
        event.preventDefault();
        return;
      }
      var step = event.key === "ArrowDown" ? 1 : -1;
      setActive(picker, list[(index + step + list.length) % list.length]);
      event.preventDefault();
    } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      // Enter picks; it never sends the whole form from a pick list. If the list still answers an earlier,
      // shorter query, the pick waits for the answer to what is typed now, so a fast typist gets what they typed.
      event.preventDefault();
      if (!listIsCurrent(picker)) picker.setAttribute("data-pick-pending", "");
      else if (active) pick(picker, active);
      else if (list.length === 1) pick(picker, list[0]);
    } else if (event.key === "Escape") {
      if (list.length) closeList(picker);
      else input.blur();
      event.preventDefault();
    } else if (event.key.length === 1 || event.key === "Backspace") {
      picker.removeAttribute("data-pick-pending");
      if (event.key === "Backspace" && input.value === "") {
        var chips = picker.querySelectorAll(".chip");
        if (chips.length) chips[chips.length - 1].remove();
      }
    }
  });

  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest('[data-picker] [role="option"]');
    if (option) {
      event.preventDefault();
      pick(option.closest("[data-picker]"), option);
    }
  });

  document.addEventListener("click", function (event) {
    var remove = event.target.closest && event.target.closest("[data-chip-remove]");
    if (remove) {
      var picker = remove.closest("[data-picker]");
      remove.closest(".chip").remove();
      picker.querySelector("[data-picker-input]").focus();
    }
  });

  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-picker-input")) return;
    var picker = input.closest("[data-picker]");
    setTimeout(function () {
      if (!picker.contains(document.activeElement)) closeList(picker);
    }, 150);
  });

  // After the settle step, not the swap: htmx re-applies the server's class attributes while settling (the pick
  // lists swap with settle:0ms, so no key press can fall between the two).
  document.addEventListener("htmx:afterSettle", function (event) {
    var list = event.detail.target;
    if (list.hasAttribute && list.hasAttribute("data-picker-list")) {
      var picker = list.closest("[data-picker]");
      var input = picker.querySelector("[data-picker-input]");
      if (document.activeElement !== input) {
        closeList(picker);
        return;
      }
      var found = options(picker);
      list.hidden = list.children.length === 0;
      input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
      setActive(picker, found[0] || null);
      if (picker.hasAttribute("data-pick-pending") && listIsCurrent(picker)) {
        picker.removeAttribute("data-pick-pending");
        if (found.length) pick(picker, found[0]);
      }
    }
  });

  /* ---- "tick all" boxes and failures htmx does not swap in ---- */
  document.addEventListener("change", function (event) {
    var all = event.target.closest && event.target.closest("[data-check-all]");
    if (!all) return;
    var name = all.getAttribute("data-check-all");
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]:not(:disabled)').forEach(function (box) {
      box.checked = all.checked;
    });
  });

  function flash(text) {
    var region = document.getElementById("flash");
    if (!region) return;
    var list = document.createElement("ul");
    var item = document.createElement("li");
    list.className = "messages";
    item.className = "error";
    item.textContent = text;
    list.appendChild(item);
    region.replaceChildren(list);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : "";
    if (status === 404) flash("That is gone: someone may have deleted it meanwhile. Reload the page.");
    else flash("The server could not do that (error " + status + "). Nothing on this page was lost; try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    flash("No answer from the server: check the connection and try again.");
  });

  // One place for messages: a message swapped into #flash replaces those the page was loaded with.
  function dropLoadedMessages(event) {
    if (event.detail.target && event.detail.target.id === "flash") {
      document.querySelectorAll("main > .messages").forEach(function (old) {
        old.remove();
      });
    }
  }
  document.addEventListener("htmx:oobAfterSwap", dropLoadedMessages);
  document.addEventListener("htmx:afterSwap", dropLoadedMessages);

  // A page that swapped in new content keeps its current item only if it is still there.
  document.addEventListener("htmx:afterSettle", function () {
    var before = current;
    if (liveCurrent() && liveCurrent() !== before) setCurrent(current);
  });
})();
