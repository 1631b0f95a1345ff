import { render } from "preact";
import { App } from "./App";
import { startSession } from "./session";
import "./styles.css";

const root = document.getElementById("app")!;
root.textContent = "";
render(<App />, root);
void startSession();
