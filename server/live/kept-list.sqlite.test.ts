import { keptListSuite } from "./kept-list.suite";

keptListSuite("sqlite");
