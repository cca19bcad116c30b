"""The expert draw's offline checks: signed steps, recomputation, the archive's 专家抽取记录.

Below both the venue (which checks a draw when a session opens) and the archive verifier
(which checks it again offline), so neither imports the other.
"""
