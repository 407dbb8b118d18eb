"""Dataset generators: the bundled demo (:mod:`.demo`) and synthetic datasets at scale (:mod:`.synthetic`).

Both draw on one table of names (:mod:`.names`) and one builder of records and files (:mod:`.records`,
:mod:`.readings`). Nothing on the serving path imports this package: ``zhengai generate`` and
``python -m zhengai.graph_loader.demo_build`` load it when they run.
"""
