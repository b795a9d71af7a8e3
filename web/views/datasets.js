// The four datasets and their use cases, as the page presents them (titles from DESIGN.md).

/** Datasets in use-case order: key (also the sample name), files as published, use-case ids. */
export const DATASETS = [
  { key: "rossmann", files: ["train.csv", "store.csv", "test.csv"], useCases: ["1.1", "1.2"] },
  { key: "bosch", files: ["train_numeric.csv", "train_date.csv"], useCases: ["2.1", "2.2"] },
  { key: "santander", files: ["train_ver2.csv"], useCases: ["3.1", "3.2"] },
  {
    key: "instacart",
    files: ["orders.csv", "order_products__prior.csv", "order_products__train.csv", "products.csv"],
    useCases: ["4.1", "4.2"],
  },
];

/** Published file name of a recognised file id ("rossmann.train" -> "train.csv"). */
export const KNOWN_FILES = {
  "rossmann.train": "train.csv",
  "rossmann.store": "store.csv",
  "rossmann.test": "test.csv",
  "bosch.numeric": "train_numeric.csv",
  "bosch.date": "train_date.csv",
  "bosch.categorical": "train_categorical.csv",
  "santander.train": "train_ver2.csv",
  "instacart.orders": "orders.csv",
  "instacart.order_products_prior": "order_products__prior.csv",
  "instacart.order_products_train": "order_products__train.csv",
  "instacart.products": "products.csv",
  "instacart.aisles": "aisles.csv",
  "instacart.departments": "departments.csv",
};

/** The dataset key of a recognised file id ("rossmann.train" -> "rossmann"). */
export function datasetOf(knownId) {
  return knownId?.split(".")[0] ?? null;
}
