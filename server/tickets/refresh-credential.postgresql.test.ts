import { refreshSuite } from "./refresh-credential.suite";

refreshSuite("postgresql");
