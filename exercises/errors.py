"""The two ways grading can fail that are not the learner's code failing."""


class UsageError(Exception):
    """The request cannot be graded as asked (unknown exercise, missing file, no CUDA): exit 2."""


class GraderError(Exception):
    """The grader itself broke (a child that cannot start, a broken exercise): exit 3.

    Never the learner's fault, so such a run is not recorded as an attempt.
    """
