"""The test suite.

Hypothesis's timing checks (an example's deadline, the too-slow health check on generating
inputs) measure the machine, not the code: on two cores shared by the whole suite and other
work they fail at random. They are off for every property test; what each property asserts
is unchanged. (Set here, not in conftest.py, so it holds before any test module is imported.)
"""

from hypothesis import HealthCheck, settings

settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")
