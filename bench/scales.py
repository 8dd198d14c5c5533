"""What each `make bench SCALE=…` seeds and how long each load phase runs."""

from dataclasses import asdict, dataclass

# Raised when the seeder writes different data for the same arguments (2: posts carry their
# up/down counts; 3: activities for the home feed), so bench databases seeded by an older
# seeder are seeded again.
SEED_VERSION = 3


@dataclass(frozen=True)
class Data:
    """Arguments of `seed_demo` (and which catalog is imported first)."""

    catalog: str  # "goodbooks": the full 10k books; "sample": the bundled 500
    users: int
    topics: int
    posts: int
    shelves: int
    votes: int
    reviews: int

    def spec(self) -> dict:
        return {**asdict(self), "seed_version": SEED_VERSION}


@dataclass(frozen=True)
class Scale:
    name: str
    data: Data
    # Closed-loop saturation runs (no think time): each ceiling view, then each hot page.
    saturation_seconds: int
    saturation_users: int
    # The mixed scenario: open population of readers with think time.
    mixed_users: int
    spawn_rate: int
    mixed_seconds: int  # ramp-up included; stats are reset once everyone is spawned
    think_seconds: float  # mean think time between two actions of one reader
    sessions: int  # logged-in sessions created up front (readers share them like browser tabs)
    # Database growth check: debates data at 1×, 10×, 100× of (topics, posts).
    growth_base: tuple[int, int]
    sequential_requests: int  # warm-cache samples per page for the cold/warm table
    compare_configs: bool = True  # measure the gunicorn configurations and keep the faster
    wrk_seconds: int = 10  # per row of the wrk ceiling ratios (bench/ratios.py)
    wrk_connections: int = 32
    cold_requests: int = 30  # long-tail URLs per page for the cold CPU probe
    capacity_steps: tuple[int, ...] = (1_000, 2_500, 5_000, 10_000)  # long-tail readers (bench/capacity.py)
    capacity_seconds: int = 40  # steady part of each step, after the ramp-up
    three_node_readers: int = 1_000  # long-tail readers of the three-node run (bench/three_node.py)


SCALES = {
    "full": Scale(
        name="full",
        data=Data(
            "goodbooks", users=10_000, topics=2_000, posts=100_000, shelves=200_000, votes=200_000, reviews=50_000
        ),
        saturation_seconds=20,
        saturation_users=24,
        mixed_users=10_000,
        spawn_rate=100,
        mixed_seconds=300,
        think_seconds=30.0,
        sessions=2_000,
        growth_base=(200, 10_000),
        sequential_requests=20,
        capacity_steps=(1_000, 2_000, 4_000, 6_000, 8_000, 10_000),
        capacity_seconds=60,
        three_node_readers=4_000,
    ),
    "small": Scale(
        name="small",
        data=Data("goodbooks", users=2_000, topics=400, posts=20_000, shelves=40_000, votes=40_000, reviews=10_000),
        saturation_seconds=8,
        saturation_users=24,
        mixed_users=10_000,
        spawn_rate=250,
        mixed_seconds=75,
        think_seconds=30.0,
        sessions=1_000,
        growth_base=(40, 2_000),
        sequential_requests=10,
        three_node_readers=300,
    ),
    "tiny": Scale(
        name="tiny",
        data=Data("sample", users=60, topics=20, posts=300, shelves=400, votes=300, reviews=100),
        saturation_seconds=3,
        saturation_users=8,
        mixed_users=60,
        spawn_rate=30,
        mixed_seconds=8,
        think_seconds=1.0,
        sessions=30,
        growth_base=(4, 100),
        sequential_requests=3,
        compare_configs=False,
        wrk_seconds=1,
        wrk_connections=8,
        cold_requests=3,
        capacity_steps=(20, 60),
        capacity_seconds=3,
        three_node_readers=20,
    ),
}
