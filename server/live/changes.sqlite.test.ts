import { changesSuite } from "./changes.suite";

changesSuite("sqlite");
