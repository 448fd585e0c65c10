from exp8lib import *  # data, folds, features and the LAD fit (exp11 imports the same)
cvd={}
for t in obs:
    cand=np.array([j for j in obs if fold[j]!=fold[t]]); F,B=feats(Xtr[::1],todtr,t,cand); cvd[t]=(F[::STR],B[::STR],Xtr[::STR,t])
ted={t:feats(Xte,todte,t,obs)+(Xte[:,t],) for t in hid}
def st(ts,S): return [np.concatenate([S[t][i] for t in ts]) for i in range(3)]
for lam in [0.3,3,30]:
    e=[]
    for k in range(nf):
        F,B,y=st([t for t in obs if fold[t]!=k],cvd); b=lad(F,y-B,lam)
        Ft,Bt,yt=st([t for t in obs if fold[t]==k],cvd); e.append(np.abs(Bt+Ft@b-yt))
    F,B,y=st(list(obs),cvd); b=lad(F,y-B,lam); Ft,Bt,yt=st(hid,ted)
    print(EXTRA,lam,'cv',round(np.mean(np.concatenate(e)),3),'test',round(np.mean(np.abs(Bt+Ft@b-yt)),3),'B cv',round(np.mean(np.abs(st(list(obs),cvd)[1]-st(list(obs),cvd)[2])),3),flush=True)
