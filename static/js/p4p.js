// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // After a form error, start where the problems are listed: focus the summary (it has
  // tabindex=-1 and autofocus; this covers browsers that honour autofocus only on controls),
  // so a screen reader reads it and the next Tab reaches its first link.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary], .error-summary");
    if (summary && document.activeElement !== summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    focusErrorSummary();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    field.select();
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = "Copied";
    });
  });

  // Save each statement as it changes. The Save button stays as a fallback, and without this
  // script the form is an ordinary form.
  //
  // The form's data-autosave attribute is "idle" once this script is ready and nothing is waiting
  // to be saved or on its way, and "saving" otherwise (a change waiting for a pause in typing,
  // or a save not yet answered). Tests wait on it instead of guessing how long a save takes.
  function setStatus(statement, text, kind) {
    var status = statement.querySelector("[data-role=status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", kind === "error");
    status.classList.toggle("is-saved", kind === "saved");
  }

  function setFormStatus(form, text, kind) {
    var status = form.querySelector("[data-role=form-status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", kind === "error");
  }

  function timeNow() {
    return new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  }

  function statements(form) {
    return Array.prototype.slice.call(form.querySelectorAll("[data-statement]"));
  }

  function inFlight(form) {
    return statements(form).some(function (s) { return s.saving; });
  }

  // Says whether anything is waiting or on its way, and sends a submission that was waiting
  // for the saves in flight once the last one is answered.
  function settle(form) {
    var busy = statements(form).some(function (s) { return s.saving || s.timer; });
    form.setAttribute("data-autosave", busy ? "saving" : "idle");
    if (form.waitingSubmit && !inFlight(form)) {
      var submitter = form.waitingSubmitter;
      form.waitingSubmit = false;
      form.waitingSubmitter = null;
      setFormStatus(form, "");
      statements(form).forEach(function (s) { s.pendingChange = false; });
      if (submitter && submitter.isConnected) form.requestSubmit(submitter);
      else form.requestSubmit();
    }
  }

  // Counted on the page, each statement as last saved: the answers to saves sent at once may
  // arrive in any order, so a count in an answer can be older than the one before it.
  function countRated(form) {
    var counter = document.querySelector("[data-role=rated-count]");
    if (counter) counter.textContent = form.querySelectorAll("[data-statement][data-rated=true]").length;
  }

  // Copies the person's rating, note and confirmation from one rendering of a statement to another.
  function carryOver(from, to, key) {
    ["scale", "note", "reason", "confirm"].forEach(function (field) {
      var name = key + "-" + field;
      var source = from.querySelectorAll("[name='" + name + "']");
      to.querySelectorAll("[name='" + name + "']").forEach(function (input) {
        if (input.type === "radio") {
          input.checked = Array.prototype.some.call(source, function (s) {
            return s.checked && s.value === input.value;
          });
        } else if (input.type === "checkbox") {
          input.checked = source.length > 0 && source[0].checked;
        } else if (source.length > 0) {
          input.value = source[0].value;
        }
      });
    });
  }

  // Resolves to "saved", "conflict" or "error".
  function save(form, statement) {
    // A statement replaced by a conflict panel is no longer on the page: nothing to save.
    if (!statement.isConnected) return Promise.resolve("saved");
    var key = statement.getAttribute("data-statement");
    var data = new FormData();
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    statement.querySelectorAll("input, textarea").forEach(function (input) {
      if (!input.name || input.name.indexOf(key + "-") !== 0) return;
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      data.append(input.name, input.value);
    });
    setStatus(statement, "Saving…");
    return fetch(statement.getAttribute("data-save-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) {
          statement.querySelector("input[name='" + key + "-revision']").value = body.revision;
          if (body.carried_over === false) {
            statement.querySelectorAll("[data-role=carried]").forEach(function (el) { el.remove(); });
          }
          setStatus(statement, body.status === "saved" ? "Saved at " + timeNow() + "." : "No changes to save.", "saved");
          statement.setAttribute("data-rated", data.get(key + "-scale") ? "true" : "false");
          countRated(form);
          return "saved";
        }
        if (response.status === 409 && body.html) {
          var holder = document.createElement("div");
          holder.innerHTML = body.html;
          var replacement = holder.firstElementChild;
          // The panel shows the version this save sent; the person may have changed more since
          // (a rating chosen while a note was saving): their version is what is on the page now.
          carryOver(statement, replacement, key);
          statement.replaceWith(replacement);
          watch(form, replacement);
          countRated(form);
          var heading = replacement.querySelector(".conflict h3");
          if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
          return "conflict";
        }
        if (response.status === 422 && body.errors) {
          var messages = Object.keys(body.errors).map(function (k) { return body.errors[k].join(" "); });
          setStatus(statement, "Not saved: " + messages.join(" "), "error");
        } else {
          setStatus(statement, "Not saved (the server said " + response.status + "). Use the Save button below.", "error");
        }
        return "error";
      });
    }).catch(function () {
      setStatus(statement, "Not saved: you seem to be offline. Your text is still here; use the Save button when you are back online.", "error");
      return "error";
    });
  }

  // One save at a time per statement: a change made while a save is on its way is sent after
  // it, with the revision that save returned, so a person never conflicts with themselves.
  function requestSave(form, statement) {
    clearTimeout(statement.timer);
    statement.timer = null;
    // A submission is waiting to be sent: it carries this change with the rest of the form.
    if (form.waitingSubmit) { statement.pendingChange = true; settle(form); return; }
    if (statement.saving) { statement.saveAgain = true; settle(form); return; }
    statement.saving = true;
    settle(form);
    save(form, statement).then(function (outcome) {
      statement.saving = false;
      if (outcome === "conflict" && form.waitingSubmit) {
        // A colleague's version arrived: the person chooses which to keep before anything is
        // sent. The changes that were to go with the form are saved as usual meanwhile.
        form.waitingSubmit = false;
        form.waitingSubmitter = null;
        setFormStatus(form, "Not saved yet: a colleague changed a statement while you were working. Choose which version to keep, then save again.", "error");
        statements(form).forEach(function (s) {
          if (s.pendingChange) { s.pendingChange = false; requestSave(form, s); }
        });
      }
      if (statement.saveAgain && !form.waitingSubmit) {
        statement.saveAgain = false;
        requestSave(form, statement);
        return;
      }
      statement.saveAgain = false;
      settle(form);
    });
  }

  function watch(form, statement) {
    statement.addEventListener("change", function (event) {
      if (event.target.type === "radio" && event.target.name.slice(-8) === "-resolve") return;
      if (event.target.type === "radio" || event.target.type === "checkbox") requestSave(form, statement);
    });
    statement.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA") return;
      clearTimeout(statement.timer);
      setStatus(statement, "Unsaved changes…");
      statement.timer = setTimeout(function () { requestSave(form, statement); }, 1500);
      settle(form);
    });
    statement.addEventListener("focusout", function (event) {
      if (event.target.tagName === "TEXTAREA" && statement.timer) requestSave(form, statement);
    });
  }

  // A document being prepared: ask every few seconds, then start the download. (Without
  // script, the page refreshes itself instead.) The page stays, with its status updated.
  document.querySelectorAll("[data-render-wait]").forEach(function (box) {
    var tries = 0;
    function check() {
      tries += 1;
      fetch(box.getAttribute("data-poll"), { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (response.status === 202 && tries < 200) {
            setTimeout(check, 3000);
          } else if (response.status === 200) {
            box.querySelector("[data-role=message]").textContent =
              "It is ready: the download starts now. If it does not, use “Check again now”.";
            window.location.href = box.getAttribute("data-file");
          } else {
            window.location.reload(); // it failed: show what the server says
          }
        })
        .catch(function () { setTimeout(check, 6000); });
    }
    setTimeout(check, 3000);
  });

  // Whether a person changed a control before this script started (a slow connection).
  function changedEarly(root) {
    return Array.prototype.some.call(root.querySelectorAll("textarea, input"), function (control) {
      if (control.tagName === "TEXTAREA" || control.type === "text") return control.value !== control.defaultValue;
      if (control.type === "radio" && control.name.slice(-8) === "-resolve") return false;
      if (control.type === "radio" || control.type === "checkbox") return control.checked !== control.defaultChecked;
      return false;
    });
  }

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    statements(form).forEach(function (statement) {
      watch(form, statement);
      if (changedEarly(statement)) requestSave(form, statement); // saved as if changed now
    });
    // The form posts every statement of the section. Posting while a statement is still saving
    // would send a revision that save is about to replace (the person would conflict with
    // themselves): the submission waits for the saves in flight, once, whichever button and
    // however often it is pressed, and is then sent with the revisions they returned.
    form.addEventListener("submit", function (event) {
      var waiting = inFlight(form);
      statements(form).forEach(function (statement) {
        // Changes still waiting for a pause in typing, or for a save to be answered, go with
        // the form instead.
        if (waiting && (statement.timer || statement.saveAgain)) statement.pendingChange = true;
        clearTimeout(statement.timer);
        statement.timer = null;
        statement.saveAgain = false;
      });
      if (!waiting) { setFormStatus(form, ""); settle(form); return; }
      event.preventDefault();
      form.waitingSubmit = true;
      form.waitingSubmitter = event.submitter || null;
      setFormStatus(form, "Saving your last change first…");
      settle(form);
    });
    settle(form);
  });

  // The checklist editor: a draft's title and summary, a section and a statement save as you
  // type (the form posted to its own address, answered in JSON). The Save button stays.
  // data-autosave is "idle" when nothing is waiting to be saved or on its way, as above.
  function showDraftProblems(form, problems) {
    form.querySelectorAll(".error-message[data-live]").forEach(function (message) {
      if (!problems[message.getAttribute("data-live")]) message.remove();
    });
    form.querySelectorAll(".error-message:not([data-live])").forEach(function (message) {
      var name = message.id.replace(/-error$/, "");
      if (!problems[name]) message.hidden = true;
    });
    form.querySelectorAll("[aria-invalid=true]").forEach(function (control) {
      if (!problems[control.name]) control.removeAttribute("aria-invalid");
    });
    form.querySelectorAll(".field-error").forEach(function (box) {
      if (!box.querySelector(".error-message:not([hidden])")) box.classList.remove("field-error");
    });
    Object.keys(problems).forEach(function (name) {
      var control = document.getElementById(name);
      if (!control || !form.contains(control)) return;
      var id = name + "-error";
      var message = document.getElementById(id);
      if (!message) {
        message = document.createElement("p");
        message.className = "error-message";
        message.id = id;
        message.setAttribute("data-live", name);
        var box = control.closest(".field") || control;
        var label = box.querySelector("label, legend");
        if (label && label.parentNode === box) label.insertAdjacentElement("afterend", message);
        else box.insertAdjacentElement("afterbegin", message);
      }
      message.hidden = false;
      message.textContent = problems[name];
      var wrapper = control.closest(".field");
      if (wrapper) wrapper.classList.add("field-error");
      if (control.matches("input, textarea, select")) {
        control.setAttribute("aria-invalid", "true");
        var described = (control.getAttribute("aria-describedby") || "").split(" ");
        if (described.indexOf(id) < 0) control.setAttribute("aria-describedby", described.concat(id).join(" ").trim());
      }
    });
  }

  document.querySelectorAll("form[data-draft-save]").forEach(function (form) {
    var status = form.querySelector("[data-role=draft-status]");
    var reload = form.querySelector("[data-role=draft-reload]");
    var state = { timer: null, saving: false, again: false, stopped: false, submit: false };

    function say(text, kind) {
      status.textContent = text;
      status.classList.toggle("is-error", kind === "error");
      status.classList.toggle("is-saved", kind === "saved");
    }

    function settle() {
      form.setAttribute("data-autosave", state.saving || state.timer ? "saving" : "idle");
    }

    function save() {
      state.saving = true;
      settle();
      say("Saving…");
      return fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          var problems = body.problems || {};
          var messages = Object.keys(problems).map(function (k) { return problems[k]; });
          if (response.ok || response.status === 422) {
            if (body.revision) form.querySelector("input[name=revision]").value = body.revision;
            showDraftProblems(form, problems);
          }
          if (response.ok) {
            say(messages.length ? "Saved. To put right before publishing: " + messages.join(" ") : "Saved.", messages.length ? "error" : "saved");
          } else if (response.status === 422) {
            say("Not saved: " + messages.join(" "), "error");
          } else if (response.status === 409) {
            state.stopped = true;
            say("Not saved: " + (body.message || "someone else changed this draft."), "error");
            if (reload) reload.parentNode.hidden = false;
          } else {
            say("Not saved (the server said " + response.status + "). Use the Save button below.", "error");
          }
        });
      }).catch(function () {
        say("Not saved: you seem to be offline. Your text is still here; use the Save button when you are back online.", "error");
      }).then(function () {
        state.saving = false;
        if (state.submit && !state.stopped) {
          state.submit = false;
          form.submit(); // the whole form, with the revision this save returned
          return;
        }
        state.submit = false;
        if (state.again && !state.stopped) { state.again = false; requestSave(); return; }
        settle();
      });
    }

    function requestSave() {
      clearTimeout(state.timer);
      state.timer = null;
      if (state.stopped) { settle(); return; }
      if (state.saving) { state.again = true; settle(); return; }
      save();
    }

    form.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA" && event.target.type !== "text") return;
      clearTimeout(state.timer);
      say("Unsaved changes…");
      state.timer = setTimeout(requestSave, 1000);
      settle();
    });
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.tagName === "SELECT" || target.type === "checkbox" || target.type === "radio") requestSave();
    });
    form.addEventListener("focusout", function () { if (state.timer) requestSave(); });
    form.addEventListener("submit", function (event) {
      clearTimeout(state.timer);
      state.timer = null;
      state.again = false;
      if (!state.saving) return; // an ordinary submission
      // A save is on its way: send the form once it is answered, with its revision.
      event.preventDefault();
      state.submit = true;
      say("Saving your last change first…");
      settle();
    });
    if (reload) reload.addEventListener("click", function () { window.location.reload(); });
    // What was changed before this script started (a slow connection) is saved as if now.
    if (changedEarly(form)) {
      say("Unsaved changes…");
      requestSave();
      return;
    }
    settle();
  });
})();
