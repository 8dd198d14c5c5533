"""pt-BR templates for demo reviews and debates: few lines, combined for variety."""

TOPIC_TITLES = [
    "O final de {title} fez sentido para você?",
    "Qual é o seu personagem favorito em {title}?",
    "{title}: vale a pena reler?",
    "Teorias sobre {title}",
    "{title} merece a fama que tem?",
    "O que {title} diz sobre os dias de hoje?",
    "Leitura coletiva: {title}",
    "A tradução de {title} está à altura do original?",
    "Cenas que mais marcaram em {title}",
    "{title} daria um bom filme ou série?",
    "Ritmo de {title}: lento demais ou na medida?",
    "Para quem você indicaria {title}?",
]

TOPIC_DESCRIPTIONS = [
    "Abri este debate para a gente trocar impressões sem pressa. Cuidado com spoilers!",
    "Terminei a leitura ontem e fiquei com muita coisa na cabeça. O que vocês acharam?",
    "Queria ouvir opiniões diferentes da minha sobre este ponto.",
    "Vamos reunir aqui as melhores teorias e interpretações.",
    "Comecei agora e já quero saber o que os veteranos pensam.",
]

POST_OPENINGS = [
    "Na minha opinião,",
    "Sinceramente,",
    "Relendo agora, percebi que",
    "Pra mim,",
    "Depois de pensar bastante,",
    "Confesso que",
    "O que mais me chamou atenção é que",
    "Acho que",
]

POST_BODIES = [
    "o desenvolvimento dos personagens é o ponto alto do livro",
    "o começo é arrastado, mas a segunda metade compensa",
    "o autor deixa pistas desde o primeiro capítulo",
    "a ambientação é tão boa que dá vontade de morar lá",
    "o desfecho ficou corrido demais",
    "tem uma crítica social bem clara nas entrelinhas",
    "os diálogos são muito naturais",
    "a reviravolta do meio mudou tudo o que eu pensava",
    "o protagonista toma decisões bem questionáveis",
    "o livro envelheceu melhor do que eu esperava",
]

POST_CLOSINGS = [
    "",
    " Alguém mais sentiu isso?",
    " Quero muito ler a continuação.",
    " Recomendo para quem gosta do gênero.",
    " Mudei de ideia umas três vezes durante a leitura.",
    " Curioso para saber o que vocês acham.",
]

REPLY_OPENINGS = [
    "Concordo com você:",
    "Discordo em parte, porque",
    "Boa observação!",
    "Nunca tinha pensado por esse lado:",
    "Exatamente isso,",
    "Hmm, não sei se concordo.",
]

REVIEW_TITLES = {
    "high": ["Leitura marcante", "Valeu cada página", "Um dos melhores do ano", "Não consegui largar"],
    "mid": ["Bom, mas poderia ser melhor", "Leitura agradável", "Tem seus momentos", "Vale pela história"],
    "low": ["Esperava mais", "Não me conquistou", "Difícil de terminar", "Não é para mim"],
}

REVIEW_SENTENCES = {
    "high": [
        "A escrita é envolvente do começo ao fim.",
        "Os personagens ficam com a gente depois da última página.",
        "Terminei com vontade de recomendar para todo mundo.",
        "A construção do enredo é impecável.",
    ],
    "mid": [
        "Algumas partes se arrastam, mas o conjunto funciona.",
        "Gostei da proposta, embora o final seja previsível.",
        "Boa leitura para as férias.",
        "Os personagens secundários são mais interessantes que o protagonista.",
    ],
    "low": [
        "Não consegui me conectar com os personagens.",
        "O ritmo é lento demais para o meu gosto.",
        "A premissa é boa, a execução nem tanto.",
        "Parei algumas vezes antes de conseguir terminar.",
    ],
}
