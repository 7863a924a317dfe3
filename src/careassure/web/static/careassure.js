// GOV.UK Frontend's components (service navigation menu, password reveal, ...). The pages work
// without JavaScript; this only adds the enhancements.
import { initAll } from "/govuk/govuk-frontend.min.js";

initAll();
