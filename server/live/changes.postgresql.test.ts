import { changesSuite } from "./changes.suite";

changesSuite("postgresql");
