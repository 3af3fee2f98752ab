// Writes the request bodies' "raw" texts as Decap CMS 3.16 serialises them (its formats/yaml.js and
// formats/frontmatter.js: yaml 1.10 and gray-matter), from the real content with the edits a test makes.
// Run from the project with Decap's node_modules at hand: NODE_PATH=<node_modules> node tests/editor/decap/generate.js
const fs = require("fs");
const path = require("path");
const yaml = require("yaml");
const matter = require("gray-matter");

const here = __dirname;
const content = path.join(here, "..", "..", "..", "content");

function toFile(data) {
  // decap-cms-core/src/formats/yaml.ts toFile, without comments or key sorting (none configured).
  const doc = new yaml.Document();
  doc.contents = yaml.createNode(data);
  return doc.toString();
}
function fromFile(text) {
  return yaml.parseDocument(text).toJSON();
}

const are = fromFile(fs.readFileSync(path.join(content, "municipalities", "are.yml"), "utf8"));
are.summary.sv = are.summary.sv + " Här finns plats för fler: kom och se.";
are.work.in_demand = [{ ssyk: "2221", note: { sv: "", en: "" } }];
are.coworking.push({
  name: "Hallens kontorshotell",
  locality: "Hallen",
  desks: 6,
  drop_in: true,
  amenities: ["wifi", "kitchen"],
  trial_living: false,
  description: { sv: "", en: "" },
  photos: [],
});
fs.writeFileSync(path.join(here, "are-edited.yml"), toFile(are));

const broken = fromFile(fs.readFileSync(path.join(content, "municipalities", "are.yml"), "utf8"));
broken.coworking[0].desks = "många";
fs.writeFileSync(path.join(here, "are-invalid.yml"), toFile(broken));

const added = {
  name: "Nyby",
  summary: { sv: "Nyby är en liten kommun vid sjön.", en: "Nyby is a small municipality by the lake." },
  population: { count: 2500, year: 2024 },
  seat: "Nyby",
  localities: ["Nyby", "Lillby"],
  travel: { to_centre: { sv: "En timme med buss", en: "An hour by bus" }, roads: ["E14"], rail: [] },
  work: { industries: { sv: "Skog.", en: "Forestry." }, employers: [], in_demand: [{ ssyk: "2221" }] },
  leisure: { sv: "Sjön och skogen.", en: "The lake and the forest." },
  guides: [{ name: "Guide Nyby", title: { sv: "Inflyttarvägledare", en: "Relocation guide" }, email: "guide@nyby.example", placeholder: true }],
  coworking: [],
  photos: [],
};
fs.writeFileSync(path.join(here, "nyby-new.yml"), toFile(added));

// decap-cms-core/src/formats/frontmatter.ts toFile: gray-matter with Decap's YAML engine.
const page = matter(fs.readFileSync(path.join(content, "pages", "privacy.sv.md"), "utf8"), {
  engines: { yaml: { parse: fromFile, stringify: toFile } },
});
const meta = { ...page.data, title: "Integritetspolicy för Ta Steget" };
let file = matter.stringify(page.content, meta, { engines: { yaml: { parse: fromFile, stringify: toFile } } });
if (page.content.slice(-1) !== "\n" && file.slice(-1) === "\n") file = file.slice(0, -1);
fs.writeFileSync(path.join(here, "privacy-edited.sv.md"), file);
