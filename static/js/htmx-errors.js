/* When an htmx request fails, say so in place. htmx 2 swaps no 4xx/5xx answer and reports a
   lost connection only as an event, so without this a click that failed shows nothing at all.
   The message goes into the page's #messages region (templates/includes/messages.html) as an
   alert, replacing an earlier one of ours; the rest of the page is left as it was. A failed
   answer in text/plain (core/views.py's CSRF failure, for one) is a sentence for the buyer and
   is shown as it is — as text, never as HTML. Loaded by base.html; no inline script or style. */
(function () {
  "use strict";

  function show(text) {
    const region = document.getElementById("messages");
    if (!region) return;
    const earlier = region.querySelector(".message-htmx-error");
    if (earlier) earlier.remove();
    const message = document.createElement("div");
    message.className = "message message-error message-htmx-error";
    message.setAttribute("role", "alert");
    const sentence = document.createElement("p");
    sentence.textContent = text;
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "link";
    dismiss.textContent = "Dismiss";
    dismiss.addEventListener("click", function () { message.remove(); });
    message.append(sentence, dismiss);
    region.append(message);
  }

  function explain(xhr) {
    const type = xhr.getResponseHeader("Content-Type") || "";
    const text = (xhr.responseText || "").trim();
    if (type.startsWith("text/plain") && text && text.length <= 500) return text;
    if (xhr.status >= 500) {
      return "That didn't work (the server answered " + xhr.status + "). " +
        "Try again, or reload the page to see what was saved.";
    }
    return "That didn't work (the server answered " + xhr.status + "). " +
      "Nothing was changed; reload the page and try again.";
  }

  document.addEventListener("htmx:responseError", function (event) {
    show(explain(event.detail.xhr));
  });
  document.addEventListener("htmx:sendError", function () {
    show("Cupboard could not be reached. Check your connection, then try again " +
      "or reload the page.");
  });
})();
