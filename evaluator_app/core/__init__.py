"""The evaluation rules: pure Python, no I/O, no clock, no Qt; all arithmetic in Decimal.

Submodules:
    plan       the project, lots, bidders and the evaluation plan (criteria tree)
    project_file  load and save the documented project file, with field-by-field validation
    plan_reader   reading and validating the plan part of a project file, problem by problem
    plan_writer   writing a plan back as the project file's JSON
    price      price score formulas (low price first, benchmark price)
    gates      preliminary (pass/fail) review by committee majority
    scoring    checks of one entered score against its item (range, step, grade band)
    aggregate  experts' totals, the final score (mean or trimmed mean) and rounding
    ranking    ranking with the plan's tie-breaks; remaining ties reported, never broken
    deviation  abnormal deviation of one expert's score (评分畸高畸低)
    phases     the session phase machine with pause as an overlay
    canonical  RFC 8785 canonical JSON of every signed artefact
"""
