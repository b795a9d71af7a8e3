// The list of use cases with their status (ready, or which file is missing), shared by the
// start screen and the profile view.

import { h } from "../dom.js";
import { t } from "../strings.js";
import { KNOWN_FILES } from "./datasets.js";

function fileNames(ids) {
  return ids.map((id) => KNOWN_FILES[id] ?? id).join(", ");
}

/** One use case: id, question, method and status. `status` may be undefined (worker not ready). */
export function useCaseItem(id, status) {
  let badge = null;
  let detail = null;
  if (status?.ready) {
    badge = h("span", { class: "badge ready" }, t("usecase.ready"));
    if (status.optional_missing.length > 0) {
      detail = h("span", { class: "uc-detail" }, t("usecase.optional", { files: fileNames(status.optional_missing) }));
    }
  } else if (status) {
    badge = h("span", { class: "badge missing" }, t("usecase.needs", { files: fileNames(status.missing) }));
  }
  return h(
    "li",
    { class: "usecase", "data-usecase": id },
    h("span", { class: "uc-id" }, id),
    h(
      "div",
      { class: "uc-body" },
      h("span", { class: "uc-question" }, t(`uc.${id}`)),
      h("span", { class: "uc-method" }, t(`uc.method.${id}`)),
      detail,
    ),
    badge,
  );
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
