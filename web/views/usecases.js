// The list of use cases with their status, shared by the start screen and the profile view. A
// use case reads "Ready" only when this build runs it and a view of the page does; a ready
// entry opens that view (a click, or Enter on the focused entry). A use case the engine does not
// run yet reads "Coming"; one that runs but lacks files names them.

import { h } from "../dom.js";
import { go, viewForUseCase } from "../router.js";
import { t } from "../strings.js";
import { KNOWN_FILES } from "./datasets.js";

function fileNames(ids) {
  return ids.map((id) => KNOWN_FILES[id] ?? id).join(", ");
}

/** One use case: id, question, method and status. `status` may be undefined (worker not ready). */
export function useCaseItem(id, status) {
  const view = viewForUseCase(id);
  const runs = status?.runnable && view;
  let badge = null;
  let detail = null;
  if (status && !runs) {
    badge = h("span", { class: "badge coming" }, t("usecase.coming"));
  } else if (status?.ready) {
    badge = h("span", { class: "badge ready" }, t("usecase.ready"));
    if (status.optional_missing.length > 0) {
      detail = h("span", { class: "uc-detail" }, t("usecase.optional", { files: fileNames(status.optional_missing) }));
    }
  } else if (status) {
    badge = h("span", { class: "badge missing" }, t("usecase.needs", { files: fileNames(status.missing) }));
  }
  const body = [
    h("span", { class: "uc-id" }, id),
    h(
      "div",
      { class: "uc-body" },
      h("span", { class: "uc-question" }, t(`uc.${id}`)),
      h("span", { class: "uc-method" }, t(`uc.method.${id}`)),
      detail,
    ),
    badge,
  ];
  if (runs && status.ready) {
    const open = () => go(view.id);
    return h(
      "li",
      {
        class: "usecase open",
        "data-usecase": id,
        role: "link",
        tabindex: "0",
        "aria-label": t("usecase.open", { id, question: t(`uc.${id}`) }),
        onClick: open,
        onKeydown: (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            open();
          }
        },
      },
      body,
    );
  }
  return h("li", { class: "usecase", "data-usecase": id }, body);
}

/** Use-case list for `ids`, with statuses from the store. */
export function useCaseList(ids, statuses) {
  const byId = Object.fromEntries((statuses ?? []).map((s) => [s.id, s]));
  return h(
    "ul",
    { class: "usecases" },
    ids.map((id) => useCaseItem(id, byId[id])),
  );
}
