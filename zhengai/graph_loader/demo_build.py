"""``python -m zhengai.graph_loader.demo_build``: rewrite the bundled demo dataset.

The builder is :mod:`zhengai.graph_loader.generators.demo`; the files it writes name this command.
"""

from zhengai.graph_loader.generators.demo import main

if __name__ == "__main__":
    main()
