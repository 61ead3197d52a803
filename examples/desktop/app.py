"""A desktop music library that learns on this computer only: Tkinter over edgerec.

    python examples/desktop/app.py [--folder DIR] [--user NAME] [--seed-demo]

The person's plays and choices are kept in an encrypted store in DIR (default
``$EDGEREC_HOME/desktop``); the passphrase comes from ``EDGEREC_PASSPHRASE`` or a
dialog. The window shows recommendations with the album behind each, the routines
and taste mined from the history, and what every "not interested" or forget changed.
All the work is in ``library.py``; this file only draws it.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import tkinter as tk
from datetime import date
from pathlib import Path
from tkinter import filedialog, messagebox, simpledialog, ttk

from edgerec import EdgerecError, WrongKeyError
from edgerec.config import home, passphrase_from_env

from albums import BY_ID
from music_library import Library, change_line, receipt_line, routine_lines, taste_lines, title
from demo_history import demo_events

TITLE = "edgerec music"


def ask_passphrase(root: tk.Tk, new: bool) -> str | None:
    """The store's passphrase: from EDGEREC_PASSPHRASE, else asked (twice for a new store)."""
    found = passphrase_from_env()
    if found:
        return found
    prompt = "Choose a passphrase for your new library:" if new else "Passphrase of your library:"
    while True:
        first = simpledialog.askstring(f"{TITLE}: passphrase", prompt, show="*", parent=root)
        if not first or not new:
            return first
        again = simpledialog.askstring(f"{TITLE}: passphrase", "The same passphrase again:", show="*", parent=root)
        if again == first:
            return first
        messagebox.showerror(TITLE, "The two passphrases differ; try again.", parent=root)


class ConfirmForget(tk.Toplevel):
    """A modal "Forget me?" dialog; ``self.answer`` is True when the person confirms."""

    def __init__(self, app: "App"):
        super().__init__(app.root)
        self.app, self.answer = app, False
        self.title(f"{TITLE}: forget me?")
        self.transient(app.root)
        text = (f"Delete everything this library knows about {app.lib.user}: every play, like and "
                f"'not interested', the routines mined from them, and your data key.\n\nThis cannot be undone.")
        ttk.Label(self, text=text, wraplength=360, padding=16).pack()
        row = ttk.Frame(self, padding=(16, 0, 16, 16))
        row.pack(fill="x")
        self.confirm = ttk.Button(row, text="Forget me", command=lambda: self.close(True))
        self.cancel = ttk.Button(row, text="Cancel", command=lambda: self.close(False))
        self.cancel.pack(side="right")
        self.confirm.pack(side="right", padx=8)
        self.bind("<Escape>", lambda _e: self.close(False))
        self.protocol("WM_DELETE_WINDOW", lambda: self.close(False))
        self.geometry(f"+{app.root.winfo_rootx() + 200}+{app.root.winfo_rooty() + 150}")
        self.cancel.focus_set()
        self.wait_visibility()
        self.grab_set()
        self.update_idletasks()
        app.write_state(dialog={"confirm": self.confirm, "cancel": self.cancel})

    def close(self, answer: bool) -> None:
        self.answer = answer
        self.grab_release()
        self.destroy()


class App:
    def __init__(self, root: tk.Tk, lib: Library, state_file: Path | None):
        self.root, self.lib, self.state_file = root, lib, state_file
        self.recs, self.seq, self.change = [], 0, "Welcome. Select an album and choose what to do."
        root.title(TITLE)
        root.geometry("1240x760+0+0")
        self.buttons: dict[str, ttk.Button] = {}
        self._build()

    # -- layout --------------------------------------------------------------------------
    def _tree(self, parent, columns: dict[str, int]) -> ttk.Treeview:
        box = ttk.Frame(parent)
        box.pack(fill="both", expand=True)
        tree = ttk.Treeview(box, columns=list(columns), show="headings", height=12, selectmode="browse")
        for name, width in columns.items():
            tree.heading(name, text=name)
            tree.column(name, width=width, anchor="w", stretch=name != "score")
        bar = ttk.Scrollbar(box, orient="vertical", command=tree.yview)
        tree.configure(yscrollcommand=bar.set)
        bar.pack(side="right", fill="y")
        tree.pack(side="left", fill="both", expand=True)
        return tree

    def _button(self, parent, name: str, text: str, command) -> None:
        self.buttons[name] = ttk.Button(parent, text=text, command=command)
        self.buttons[name].pack(side="left", padx=(0, 8), pady=6)

    def _build(self) -> None:
        top = ttk.Frame(self.root, padding=10)
        top.pack(fill="both", expand=True)
        top.columnconfigure(0, weight=3, uniform="side")
        top.columnconfigure(1, weight=2, uniform="side")
        top.rowconfigure(0, weight=3)
        top.rowconfigure(1, weight=2)

        recs = ttk.LabelFrame(top, text="Recommended for you (new albums)", padding=6)
        recs.grid(row=0, column=0, sticky="nsew", padx=(0, 6))
        self.rec_tree = self._tree(recs, {"album": 190, "artist": 160, "score": 50, "why": 270})
        row = ttk.Frame(recs)
        row.pack(fill="x")
        self._button(row, "play", "Play", self.on_play)
        self._button(row, "not_interested", "Not interested", self.on_not_interested)

        hist = ttk.LabelFrame(top, text="Your listening", padding=6)
        hist.grid(row=0, column=1, sticky="nsew")
        self.hist_tree = self._tree(hist, {"album": 190, "artist": 140, "you": 110})
        row = ttk.Frame(hist)
        row.pack(fill="x")
        self._button(row, "forget_item", "Forget this item", self.on_forget_item)

        self.routines = self._text(top, "Your routines (mined on this computer)", 1, 0)
        self.profile = self._text(top, "Your profile", 1, 1)

        bottom = ttk.Frame(self.root, padding=(10, 0, 10, 10))
        bottom.pack(fill="x")
        self._button(bottom, "forget_me", "Forget me…", self.on_forget_me)
        self._button(bottom, "folder", "Library folder…", self.on_folder)
        self.store_line = ttk.Label(bottom, foreground="#555", wraplength=900)
        self.store_line.pack(side="left", padx=8)
        self.status = ttk.Label(self.root, padding=(10, 4, 10, 10), wraplength=1200, justify="left",
                                font=("DejaVu Sans", 10, "bold"))
        self.status.pack(fill="x")

    def _text(self, parent, label: str, row: int, column: int) -> tk.Text:
        frame = ttk.LabelFrame(parent, text=label, padding=6)
        frame.grid(row=row, column=column, sticky="nsew", padx=(0, 6) if column == 0 else 0, pady=(8, 0))
        text = tk.Text(frame, height=7, wrap="word", relief="flat", background="#fafafa", font="TkDefaultFont",
                       spacing1=2)
        text.pack(fill="both", expand=True)
        return text

    @staticmethod
    def _fill(widget: tk.Text, lines: list[str]) -> None:
        widget.configure(state="normal")
        widget.delete("1.0", "end")
        widget.insert("1.0", "\n".join(lines))
        widget.configure(state="disabled")

    # -- drawing ---------------------------------------------------------------------------
    def refresh(self, change: str, before: list[str] | None = None) -> None:
        """Read everything again from the store; show ``change`` and, given the ids shown
        ``before``, which recommendations left and entered the list."""
        self.root.configure(cursor="watch")
        self.root.update_idletasks()
        lib = self.lib
        try:
            history, self.recs, profile = lib.history(), lib.recommendations(), lib.profile()
        except EdgerecError as error:  # e.g. the embed extra is missing: say so in the window
            self.root.configure(cursor="")
            self.say(f"Could not read the library: {error}")
            return
        if before is not None:
            change = f"{change} {change_line(before, [r.id for r in self.recs])}"
        known = bool(history)
        self.rec_tree.delete(*self.rec_tree.get_children())
        for rec in self.recs:
            why = f"you played {title(rec.reason)}" if rec.reason else ("-" if known else "no history yet")
            score = f"{rec.score:.2f}" if known else ""
            self.rec_tree.insert("", "end", iid=rec.id, values=(title(rec.id), BY_ID[rec.id].artist, score, why))
        self.hist_tree.delete(*self.hist_tree.get_children())
        for row in history:
            artist = BY_ID[row.id].artist if row.id in BY_ID else ""
            self.hist_tree.insert("", "end", iid=row.id, values=(title(row.id), artist, row.summary()))
        routines = routine_lines(profile["app_routines"]) if profile else []
        self._fill(self.routines, routines or ["No routines yet: they appear after a few weeks of listening."])
        about = [f"Rebuilt just now from your {profile['app_events']} events.", ""] if profile else []
        self._fill(self.profile, about + (taste_lines(history) or ["Nothing stored about you."]))
        stats = lib.store.stats()
        self.store_line.configure(text=f"Encrypted library: {stats['path']}\n{stats['events']} events  ·  "
                                       f"{stats['forget_receipts']} forget receipts  ·  time zone {stats['timezone']}")
        self.root.configure(cursor="")
        self.say(change)

    def say(self, message: str) -> None:
        """Show ``message`` in the status line."""
        self.change = message
        self.status.configure(text=message)
        self.root.update_idletasks()
        self.write_state()

    def write_state(self, dialog: dict | None = None) -> None:
        """For tests and debugging (``--state-file``): what is shown and where the controls are."""
        if self.state_file is None:
            return
        self.seq += 1

        def box(widget) -> list[int]:
            return [widget.winfo_rootx(), widget.winfo_rooty(), widget.winfo_width(), widget.winfo_height()]

        def rows(tree: ttk.Treeview) -> list[dict]:
            out = []
            for iid in tree.get_children():
                x, y, w, h = tree.bbox(iid) or (0, 0, 0, 0)
                out.append({"id": iid, "values": list(tree.item(iid, "values")),
                            "box": [tree.winfo_rootx() + x, tree.winfo_rooty() + y, w, h] if w else None})
            return out

        state = {"seq": self.seq, "store": str(self.lib.store.path), "user": self.lib.user,
                 "recommendations": rows(self.rec_tree), "history": rows(self.hist_tree),
                 "routines": self.routines.get("1.0", "end").strip(), "profile": self.profile.get("1.0", "end").strip(),
                 "status": self.change, "window": box(self.root),
                 "buttons": {name: box(b) for name, b in self.buttons.items()},
                 "dialog": {name: box(b) for name, b in (dialog or {}).items()} or None}
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
        tmp.replace(self.state_file)

    # -- actions ---------------------------------------------------------------------------
    def _selected(self, tree: ttk.Treeview, what: str) -> str | None:
        chosen = tree.selection()
        if not chosen:
            self.say(f"Select {what} first.")
            return None
        return chosen[0]

    def _act(self, action, message: str) -> None:
        """Run ``action``, then show ``message``, its receipt and how the list moved."""
        before = [r.id for r in self.recs]
        try:
            receipt = action()
        except EdgerecError as error:
            messagebox.showerror(TITLE, str(error), parent=self.root)
            return
        self.refresh(f"{message} ({receipt_line(receipt)})." if receipt else f"{message}.", before)

    def on_play(self) -> None:
        item = self._selected(self.rec_tree, "a recommendation")
        if item:
            self._act(lambda: self.lib.play(item), f"Played {title(item)}: logged one 'play' event")

    def on_not_interested(self) -> None:
        item = self._selected(self.rec_tree, "a recommendation")
        if item:
            self._act(lambda: self.lib.not_interested(item),
                      f"Not interested in {title(item)}: logged one 'dismiss' event; albums like it move down")

    def on_forget_item(self) -> None:
        item = self._selected(self.hist_tree, "an album in your listening")
        if item:
            self._act(lambda: self.lib.forget_item(item), f"Forgot {title(item)} from your history")

    def on_forget_me(self) -> None:
        if not self.lib.known():
            self.say("There is nothing stored about you to forget.")
            return
        dialog = ConfirmForget(self)
        self.root.wait_window(dialog)
        if dialog.answer:
            self._act(self.lib.forget_me, f"Forgot {self.lib.user}: every event, document and the data key")
        else:
            self.say("Forget me cancelled: nothing was deleted.")

    def on_folder(self) -> None:
        folder = filedialog.askdirectory(parent=self.root, title=f"{TITLE}: library folder",
                                         initialdir=str(self.lib.store.path.parent))
        if not folder:
            return
        lib = open_library(self.root, Path(folder), self.lib.user)
        if lib is not None:
            self.lib.close()
            self.lib = lib
            self.refresh(f"Opened the library in {folder}.")


def open_library(root: tk.Tk, folder: Path, user: str) -> Library | None:
    """Open (or create) the store in ``folder``, asking for the passphrase until it fits."""
    new = not (folder / "library.db").exists()
    for _ in range(3):
        passphrase = ask_passphrase(root, new)
        if not passphrase:
            return None
        try:
            return Library.open(folder, passphrase=passphrase, user=user)
        except WrongKeyError:
            messagebox.showerror(TITLE, "That passphrase does not open this library.", parent=root)
            if passphrase_from_env():
                return None
        except EdgerecError as error:
            messagebox.showerror(TITLE, str(error), parent=root)
            return None
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path,
                        help="where the encrypted library is kept (default: $EDGEREC_HOME/desktop)")
    parser.add_argument("--user", default=getpass.getuser(), help="whose library (default: your login name)")
    parser.add_argument("--seed-demo", action="store_true", help="log four weeks of made-up listening first")
    parser.add_argument("--state-file", type=Path, help="write what the window shows, as JSON, after each change")
    args = parser.parse_args(argv)

    root = tk.Tk()
    root.withdraw()
    lib = open_library(root, args.folder or home() / "desktop", args.user)
    if lib is None:
        root.destroy()
        return 1
    if args.seed_demo and not lib.known():
        lib.log_many(demo_events(args.user, end=date.today(), tz=lib.store.timezone))
    app = App(root, lib, args.state_file)
    root.deiconify()
    root.wait_visibility()  # positions in the state file are only right once the window is on screen
    root.after_idle(lambda: app.refresh(app.change))
    try:
        root.mainloop()
    finally:
        lib.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
