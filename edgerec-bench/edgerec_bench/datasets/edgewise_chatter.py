"""What synthetic dialogues say besides settings: small talk, distractor numbers,
unmodelled devices, prefaces, closings, casual typing, and persona lines.

None of it states a device setting of the schema; all of it may hold numbers.

>>> import random
>>> distractor({"outdoor_temp": "cold"}, random.Random(0)) != ""
True
"""

from __future__ import annotations

import random

__all__ = ["small_talk", "distractor", "off_schema_request", "closing", "context_preface", "casual", "character_text"]


def context_preface(meta: dict[str, str], rng: random.Random) -> str:
    """What the user is about to do, said before a request (no value in it)."""
    tod = meta.get("time_of_day", "evening")
    options = ["I'm about to start a movie.", "Friends are coming over soon.", "Just got home.", "Working from home today.",
               "Time to cook dinner.", "I want to relax a bit.", "Okay, workout time.", "Let me get comfortable."]
    options += {"morning": ["Just woke up.", "Getting ready for work."], "night": ["Getting ready for bed.", "Heading to sleep soon."],
                "evening": ["Long evening ahead.", "Dinner's done."], "afternoon": ["Quick break from work.", "Lazy afternoon."]}.get(tod, [])
    return rng.choice(options)


def casual(text: str, rng: random.Random) -> str:
    """Typed-on-a-phone style: lower case, "pls"/"thx", no final full stop.

    >>> casual("Set the TV to 30, please.", random.Random(0)).startswith("set the tv")
    True
    """
    text = text.lower().replace("please", rng.choice(["pls", "plz", "please"])).replace("thanks", rng.choice(["thx", "ty", "thanks"]))
    return text.rstrip(".")


def small_talk(meta: dict[str, str], rng: random.Random, *, k: int = 1, opening: bool = False) -> list[tuple[str, str]]:
    """``k`` different chit-chat exchanges ``(user, assistant)``, consistent with the meta.

    With ``opening`` the first one may be a greeting.

    >>> len(small_talk({"weather": "rainy"}, random.Random(0), k=3))
    3
    """
    weather = meta.get("weather", "cloudy")
    tod = meta.get("time_of_day", "afternoon")
    weekend = meta.get("day_of_week") == "weekend"
    pairs = [
        ("How's it going?", "All good here! How can I help?"),
        ("What's the weather like?", f"It's {weather} outside right now."),
        ("Did you see the game last night?", "I missed it, but I heard it was a close one!"),
        ("I'm so tired.", "Take it easy. I'm here if you need anything."),
        ("Remind me, do we have milk?", "I can't check the fridge, but I can add milk to your shopping list."),
        ("Thanks for yesterday.", "Any time!"),
        ("Tell me a joke.", "Why did the thermostat go to therapy? It had too many issues to regulate."),
        ("I just got back from the gym.", "Nice work! Hope it went well."),
        ("What should I cook tonight?", "How about a quick pasta? It takes about twenty minutes."),
        ("Any news today?", "Nothing major. A quiet day so far."),
        ("I think I'm catching a cold.", "Oh no. Rest up and drink plenty of water."),
    ]
    if weekend:
        pairs += [("Finally the weekend.", "Enjoy it! Any plans?"), ("No work today, thank god.", "Time to relax then.")]
    else:
        pairs += [("Long day at work today.", "Sorry to hear that. Let's make it a relaxing evening."),
                  ("Ugh, work tomorrow again.", "Hang in there!")]
    if weather in ("rainy", "snowy"):
        pairs.append((f"Can you believe how {weather} it is?", "Quite the weather. Good day to stay in."))
    chosen = rng.sample(pairs, min(k, len(pairs)))
    if opening and rng.random() < 0.5:
        greeting = {"morning": "Good morning", "afternoon": "Good afternoon"}.get(tod, "Good evening")
        chosen[0] = (rng.choice([f"{greeting}!", "Hi there.", "Hey assistant.", f"{greeting}, how are you?"]),
                     rng.choice([f"{greeting}! What can I do for you?", "Hello! How can I help?", "Hi! I'm doing well."]))
    return chosen


_OUTDOOR_DEGREES = {"very cold": (-12, -1), "cold": (0, 8), "mild": (9, 17), "warm": (18, 25), "hot": (26, 38)}


def distractor(meta: dict[str, str], rng: random.Random) -> str:
    """A sentence holding numbers that are not settings (times, counts, weather)."""
    lo, hi = _OUTDOOR_DEGREES.get(meta.get("outdoor_temp", "mild"), (9, 17))
    outside = rng.randint(lo, hi)
    return rng.choice([
        f"I'm leaving in {rng.choice([5, 10, 15, 20, 30])} minutes.",
        f"I have a meeting at {rng.randint(7, 11)}:{rng.choice(['00', '15', '30', '45'])}.",
        f"It's {outside} degrees outside apparently.",
        f"The game starts at {rng.randint(6, 9)}.",
        f"I've had {rng.choice(['two', 'three', '2', '3'])} coffees already.",
        f"My flight is on the {rng.randint(2, 28)}th.",
        f"Just watched {rng.randint(2, 5)} episodes in a row.",
        f"Dinner's in {rng.choice(['half an hour', '20 minutes', 'an hour', '45 minutes'])}.",
        f"We're {rng.randint(2, 6)} people tonight.",
        f"Wake me at {rng.randint(5, 8)}:{rng.choice(['00', '30'])} tomorrow.",
        "Channel 4 had a great documentary on.",
    ])


def off_schema_request(rng: random.Random) -> tuple[str, str]:
    """A request for something edgerec's schema does not model, and its reply."""
    minutes = rng.choice([5, 10, 15, 25])
    oven = rng.choice([180, 200, 220])
    return rng.choice([
        (f"Set a timer for {minutes} minutes.", f"Timer set for {minutes} minutes."),
        (f"Preheat the oven to {oven} degrees.", f"The oven is preheating to {oven} degrees."),
        ("Close the blinds halfway.", "The blinds are at 50%."),
        ("Start the robot vacuum.", "The vacuum is on its way."),
        ("Lock the front door.", "The front door is locked."),
        ("Put the kettle on.", "The kettle is on."),
        ("Add eggs to the shopping list.", "Eggs added."),
        (f"Set the fridge to {rng.randint(2, 5)} degrees.", "Fridge temperature updated."),
    ])


def closing(rng: random.Random) -> tuple[str, str]:
    """A closing exchange."""
    return rng.choice([
        ("Thanks!", "You're welcome!"), ("That's all, cheers.", "Have a nice one!"), ("Perfect.", "Glad to help."),
        ("Great, thank you.", "Anytime."), ("Nice.", "Enjoy!"),
    ])


_NAMES = ["Maya", "Tomasz", "Aisha", "Liam", "Sofia", "Kenji", "Elena", "Marcus", "Priya", "Jonas", "Chloe", "Diego", "Hana", "Oskar", "Nadia"]
_JOBS = ["nurse working shifts", "software developer", "retired teacher", "graduate student", "chef", "accountant",
         "freelance designer", "firefighter", "journalist", "pharmacist", "musician", "civil engineer"]
_TRAITS = ["loves quiet evenings", "is a film buff", "works out early", "hates being cold", "hosts friends often",
           "is security-conscious", "listens to music all day", "reads before bed", "is rarely home on weekends",
           "likes a bright home", "sleeps lightly", "follows football closely"]


def character_text(rng: random.Random) -> str:
    """A short persona line for ``characters.jsonl`` (it does not spell out routines)."""
    traits = rng.sample(_TRAITS, 2)
    return f"{rng.choice(_NAMES)}, {rng.randint(22, 74)}, {rng.choice(_JOBS)}; {traits[0]} and {traits[1]}."
