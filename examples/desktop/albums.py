"""The app's own catalog: 60 made-up albums (title, artist, genre, one line each).

Catalog text is not anyone's personal data, so the ranker embeds it once and caches
the vectors. Every title, artist and description here was written for this example.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Album", "ALBUMS", "BY_ID", "candidates"]


@dataclass(frozen=True)
class Album:
    id: str
    title: str
    artist: str
    genre: str
    blurb: str

    @property
    def text(self) -> str:
        """What the embedder reads: everything the catalog says about the album."""
        return f"{self.title} by {self.artist}. {self.genre}. {self.blurb}"


_ROWS = [
    # jazz
    ("jazz-01", "Blue Lanterns", "The Ada Okafor Quartet", "jazz", "late-night saxophone ballads recorded in one take"),
    ("jazz-02", "Smoke and Velvet", "Marcel Duret Trio", "jazz", "brushed drums, upright bass and a patient piano"),
    ("jazz-03", "Harbour Street Sessions", "Lena Brandt", "jazz", "cool trumpet standards from a small seaside club"),
    ("jazz-04", "Eleven Bar Blues", "Otis Greer Sextet", "jazz", "hard bop with loose, swinging horn solos"),
    ("jazz-05", "Moonwalk on Main", "Kiko Serrano", "jazz", "Latin jazz piano with congas and flute"),
    ("jazz-06", "Quiet Hours", "June Halvorsen", "jazz", "vocal jazz ballads for a rainy evening indoors"),
    ("jazz-07", "Modal Weather", "The Northgate Ensemble", "jazz", "spacious modal improvisation on tenor sax"),
    ("jazz-08", "Big Room Swing", "Cal Winters Orchestra", "jazz", "a swing big band in full brass"),
    # classical and solo piano
    ("clas-01", "Kettle and Steam", "Ines Varga", "solo piano", "gentle morning piano miniatures, soft and unhurried"),
    ("clas-02", "Four Rooms", "Aurora String Quartet", "classical", "contemporary string quartets, calm and bright"),
    ("clas-03", "Nocturnes Revisited", "Tomasz Wilk", "classical piano", "romantic nocturnes played slowly at night"),
    ("clas-04", "The Glass Orchard", "Helena Maas", "minimalist classical", "repeating piano and marimba patterns"),
    ("clas-05", "Cello at Dawn", "Rafael Ortiz", "classical", "unaccompanied cello suites recorded in a chapel"),
    ("clas-06", "Symphony for Small Towns", "Lakeside Chamber Orchestra", "orchestral", "a short symphony with pastoral horns"),
    # folk and acoustic
    ("folk-01", "First Light Over the Harbour", "Maeve Connolly", "folk", "fingerpicked guitar and a soft voice at sunrise"),
    ("folk-02", "Wool and Woodsmoke", "The Hollin Brothers", "folk", "close harmonies around an old parlour guitar"),
    ("folk-03", "Paper Boats", "Signe Lund", "acoustic", "hushed songs about leaving a small island"),
    ("folk-04", "Field Notes", "Arlo Beck", "folk", "banjo and fiddle tunes collected on long walks"),
    ("folk-05", "The Long Kitchen Table", "Rosa & the Millers", "folk", "warm family-band songs with accordion"),
    ("folk-06", "Salt Roads", "Niamh Keane", "Celtic folk", "tin whistle, bodhran and sea shanties"),
    ("folk-07", "Slow Sunrise", "Ellis Park", "acoustic", "quiet acoustic guitar instrumentals for early mornings"),
    # ambient and chill electronic
    ("ambi-01", "Tidal Rooms", "Sora Kim", "ambient", "slow synth washes and distant field recordings of the sea"),
    ("ambi-02", "Low Clouds", "Fennick", "ambient", "drifting pads for reading and deep focus"),
    ("ambi-03", "Night Bus Home", "Lumen Park", "lo-fi beats", "dusty hip-hop loops with vinyl crackle for studying"),
    ("ambi-04", "Greenhouse", "Ola Nyberg", "ambient electronic", "soft arpeggios and rain on glass"),
    ("ambi-05", "Satellite Lullabies", "Vesna", "downtempo", "downtempo electronica with a hushed vocal"),
    ("ambi-06", "Paper Lanterns Drift", "Kaito Mori", "ambient piano", "piano notes dissolving into reverb"),
    ("ambi-07", "Deep Focus Hours", "Marlowe Grey", "ambient drone", "long evolving drones for concentration"),
    # rock and indie
    ("rock-01", "Neon Parade", "The Static Hearts", "indie rock", "jangly guitars and shout-along choruses"),
    ("rock-02", "Highway Thirteen", "Dust Coyotes", "rock", "driving classic rock with a big organ sound"),
    ("rock-03", "Bedroom Satellites", "Pale Comet", "indie pop", "lo-fi indie pop recorded on a cassette deck"),
    ("rock-04", "Broken Compass", "Harlow Fields", "alternative rock", "fuzzy guitars and restless drums"),
    ("rock-05", "Summer in Reverse", "The Cardigan Club", "indie rock", "bright guitar pop about the end of summer"),
    ("rock-06", "Concrete Gardens", "Vantablack Youth", "post-punk", "tight bass lines and cold, echoing vocals"),
    ("rock-07", "Slow Burn Radio", "Juniper Hale", "singer-songwriter rock", "heartland rock with a raspy voice"),
    # hip-hop
    ("hiph-01", "Corner Store Philosophy", "MC Verse Libre", "hip-hop", "boom-bap beats and sharp storytelling"),
    ("hiph-02", "Late Fees", "Dani Quartz", "hip-hop", "jazz-sampled hip-hop about rent and friendship"),
    ("hiph-03", "Gold Teeth, Paper Crowns", "Rook City", "trap", "heavy 808s and fast, bragging verses"),
    ("hiph-04", "Open Mic Tuesdays", "The Backroom Poets", "conscious hip-hop", "live band hip-hop with spoken word"),
    ("hiph-05", "Skyline Tapes", "Nova Reign", "hip-hop", "cinematic beats over city-night samples"),
    # soul and funk
    ("soul-01", "Honey on the Radio", "Della Simms", "soul", "classic soul with horns and a church-trained voice"),
    ("soul-02", "Groove Machine", "The Brass Tacks", "funk", "slap bass, clavinet and tight horn stabs"),
    ("soul-03", "Sunday Kitchen", "Amara Jones", "neo-soul", "neo-soul with Rhodes piano and lazy drums"),
    ("soul-04", "Midnight Switchboard", "The Velvet Operators", "Motown soul", "sweet vocal harmonies and strings"),
    ("soul-05", "Disco Laundromat", "Felix & the Spin Cycle", "disco funk", "four-on-the-floor disco with funky guitar"),
    # metal
    ("metl-01", "Iron Tide Rising", "Graveward", "heavy metal", "galloping riffs and operatic screams"),
    ("metl-02", "Ash Cathedral", "Morrow Black", "doom metal", "crushing slow riffs and funeral bells"),
    ("metl-03", "Teeth of the Storm", "Kalvor", "thrash metal", "fast thrash riffs and shouted gang vocals"),
    ("metl-04", "Serpent Engine", "Hexfall", "industrial metal", "pounding machine drums and distorted synths"),
    ("metl-05", "Frostbitten Kingdom", "Nordvind", "black metal", "tremolo guitars and blast beats in the snow"),
    # world
    ("wrld-01", "Desert Blues Caravan", "Tamasheq Lights", "desert blues", "hypnotic electric guitars from the Sahara"),
    ("wrld-02", "Fado for Lisbon Nights", "Catarina Rosa", "fado", "mournful Portuguese guitar and voice"),
    ("wrld-03", "Kora Morning", "Bakary Sissoko", "West African", "bright kora melodies and gentle percussion"),
    ("wrld-04", "Bossa on the Balcony", "Lucia Prado", "bossa nova", "soft bossa nova guitar and whispered vocals"),
    ("wrld-05", "Monsoon Ragas", "Anil Desai", "Indian classical", "sitar ragas unfolding over a tanpura drone"),
    # country and bluegrass
    ("cntr-01", "Gravel Road Hymns", "Wade Callahan", "country", "honky-tonk piano and pedal steel laments"),
    ("cntr-02", "Porch Light Bluegrass", "The Pine Hollow Band", "bluegrass", "fast banjo and mandolin breakdowns"),
    ("cntr-03", "Rodeo Heartache", "Shelby Rae", "country pop", "big country-pop choruses about leaving town"),
    ("cntr-04", "Tin Roof Rain", "Eli Marsh", "Americana", "dusty Americana ballads with harmonica"),
    ("cntr-05", "Two-Step Saturday", "Lone Star Dancehall", "western swing", "fiddle-led dance tunes for a Saturday night"),
]

ALBUMS: list[Album] = [Album(*row) for row in _ROWS]
BY_ID: dict[str, Album] = {a.id: a for a in ALBUMS}


def candidates() -> list[tuple[str, str]]:
    """The catalog as the ranker's ``(id, text)`` pairs."""
    return [(a.id, a.text) for a in ALBUMS]
