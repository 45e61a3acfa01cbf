// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    field.select();
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = "Copied";
    });
  });

  // Save each statement as it changes. The Save button stays as a fallback.
  function setStatus(statement, text, kind) {
    var status = statement.querySelector("[data-role=status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", kind === "error");
    status.classList.toggle("is-saved", kind === "saved");
  }

  function timeNow() {
    return new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  }

  function save(form, statement) {
    // A statement replaced by a conflict panel is no longer on the page: nothing to save.
    if (!statement.isConnected) return Promise.resolve();
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
          var counter = document.querySelector("[data-role=rated-count]");
          if (counter && typeof body.rated === "number") counter.textContent = body.rated;
        } else if (response.status === 409 && body.html) {
          var holder = document.createElement("div");
          holder.innerHTML = body.html;
          var replacement = holder.firstElementChild;
          statement.replaceWith(replacement);
          watch(form, replacement);
          var heading = replacement.querySelector(".conflict h4");
          if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
        } else if (response.status === 422 && body.errors) {
          var messages = Object.keys(body.errors).map(function (k) { return body.errors[k].join(" "); });
          setStatus(statement, "Not saved: " + messages.join(" "), "error");
        } else {
          setStatus(statement, "Not saved (the server said " + response.status + "). Use the Save button below.", "error");
        }
      });
    }).catch(function () {
      setStatus(statement, "Not saved: you seem to be offline. Your text is still here; use the Save button when you are back online.", "error");
    });
  }

  // One save at a time per statement: a change made while a save is on its way is sent after
  // it, with the revision that save returned, so a person never conflicts with themselves.
  function requestSave(form, statement) {
    if (statement.saving) { statement.saveAgain = true; return; }
    statement.saving = true;
    save(form, statement).then(function () {
      statement.saving = false;
      if (statement.saveAgain) { statement.saveAgain = false; requestSave(form, statement); }
    });
  }

  function watch(form, statement) {
    var timer = null;
    function now() { clearTimeout(timer); timer = null; requestSave(form, statement); }
    statement.addEventListener("change", function (event) {
      if (event.target.type === "radio" && event.target.name.slice(-8) === "-resolve") return;
      if (event.target.type === "radio" || event.target.type === "checkbox") now();
    });
    statement.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA") return;
      clearTimeout(timer);
      setStatus(statement, "Unsaved changes…");
      timer = setTimeout(now, 1500);
    });
    statement.addEventListener("focusout", function (event) {
      if (event.target.tagName === "TEXTAREA" && timer) now();
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

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    form.querySelectorAll("[data-statement]").forEach(function (statement) {
      watch(form, statement);
    });
    // Submitting while a statement is still saving would send a stale revision: wait for it.
    form.addEventListener("submit", function (event) {
      var busy = Array.prototype.some.call(form.querySelectorAll("[data-statement]"), function (s) {
        return s.saving;
      });
      if (!busy) return;
      event.preventDefault();
      var submitter = event.submitter;
      setTimeout(function () { form.requestSubmit(submitter); }, 150);
    });
  });
})();
