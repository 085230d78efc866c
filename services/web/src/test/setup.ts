import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { resetHttp } from "../api/http";

afterEach(() => {
  cleanup();
  resetHttp();
});
